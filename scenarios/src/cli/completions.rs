//! `clustersim completions` and `clustersim man`: generated from the same definitions as
//! `--help`, so they never disagree with it.

use clap::CommandFactory;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim completions bash > ~/.local/share/bash-completion/completions/clustersim
  clustersim completions zsh > ~/.zfunc/_clustersim
  clustersim completions fish > ~/.config/fish/completions/clustersim.fish")]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn completions(a: CompletionArgs) -> u8 {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "clustersim", &mut out);
    emit(&out)
}

/// Print the man page (roff).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim man > clustersim.1 && man ./clustersim.1")]
pub struct ManArgs {}

pub fn man(_: ManArgs) -> u8 {
    let mut out = Vec::new();
    match clap_mangen::Man::new(super::Cli::command()).render(&mut out) {
        Ok(()) => emit(&out),
        Err(e) => super::fail(format!("rendering the man page: {e}")),
    }
}

fn emit(bytes: &[u8]) -> u8 {
    match crate::output::Output::Stdout.write(bytes) {
        Ok(()) => 0,
        Err(e) => super::fail(format!("standard output: {e}")),
    }
}
