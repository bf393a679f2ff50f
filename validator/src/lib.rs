//! Route graph validation.

pub mod cli {
    //! The `dynroute` command line.

    /// Runs the command line and returns its exit code.
    pub fn main() -> std::process::ExitCode {
        std::process::ExitCode::SUCCESS
    }
}
