//! `clustersim-viz [FILE] [--seed N]`: the visual front end with every shipped protocol.

fn main() -> std::process::ExitCode {
    viz::main(scenarios::Registry::builtin())
}
