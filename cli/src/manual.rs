//! `dynroute completions` and `dynroute man`: shell completion scripts and manual pages,
//! generated from the command's clap definition so that they list exactly its flags.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::{USAGE_OR_IO, write_stdout};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dynroute completions bash > ~/.local/share/bash-completion/completions/dynroute
  dynroute completions zsh > ~/.zfunc/_dynroute
  dynroute completions fish > ~/.config/fish/completions/dynroute.fish")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dynroute man | man -l -
  dynroute man --out-dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write `dynroute.1` and a page per subcommand (`dynroute-validate.1`, ...) into DIR
    /// instead of printing `dynroute.1`.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// Prints the completion script of `command` for a shell.
pub fn completions(args: &CompletionsArgs, mut command: clap::Command) -> ExitCode {
    let mut script = Vec::new();
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

/// Prints the manual page of `command`, or writes the pages of it and its subcommands.
pub fn man(args: &ManArgs, command: clap::Command) -> ExitCode {
    let written = match &args.out_dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map_err(|e| format!("cannot write manual pages to {}: {e}", dir.display())),
        None => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(command).render(&mut page) {
                Ok(()) => return write_stdout(&String::from_utf8_lossy(&page)),
                Err(e) => Err(format!("cannot render the manual page: {e}")),
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dynroute: {message}");
            ExitCode::from(USAGE_OR_IO)
        }
    }
}
