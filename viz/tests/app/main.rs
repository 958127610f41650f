//! The front end's tests, in one test binary so that Bevy is linked once for all of them: the
//! app's logic without a window (`headless`), and the real window's picture (`screenshot`).

mod headless;
mod screenshot;
