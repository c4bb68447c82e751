//! Messages on stderr, cargo style: a right-aligned bold green verb, quiet and
//! verbose levels, colors when stderr is a terminal.

use std::io::{IsTerminal, Write};

use crate::opt::{Color, Global};

/// Where status goes.
#[derive(Debug, Clone)]
pub struct Shell {
    quiet: bool,
    verbose: u8,
    color: bool,
    tty: bool,
}

impl Shell {
    /// From the global options.
    pub fn new(g: &Global) -> Shell {
        let tty = std::io::stderr().is_terminal();
        let color = match g.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
        };
        Shell {
            quiet: g.quiet,
            verbose: g.verbose,
            color,
            tty,
        }
    }

    /// No colors, normal verbosity.
    pub fn plain() -> Shell {
        Shell {
            quiet: false,
            verbose: 0,
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            tty: false,
        }
    }

    /// `-v` given.
    pub fn verbose(&self) -> u8 {
        self.verbose
    }

    /// `-q` given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// `    Verb message`.
    pub fn status(&self, verb: &str, msg: &str) {
        if !self.quiet {
            eprintln!("{} {msg}", self.paint("1;32", &format!("{verb:>12}")));
        }
    }

    /// A status line shown only with `-v`.
    pub fn verbose_status(&self, verb: &str, msg: &str) {
        if self.verbose > 0 {
            self.status(verb, msg);
        }
    }

    /// `warning: ...`.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{}: {msg}", self.paint("1;33", "warning"));
        }
    }

    /// `error: ...` (shown even with `-q`).
    pub fn error(&self, msg: &str) {
        eprintln!("{}: {msg}", self.paint("1;31", "error"));
    }

    /// A progress line, rewritten in place on a terminal.
    pub fn progress(&self, msg: &str) {
        if !self.quiet && self.tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r{} {msg}\x1b[K",
                self.paint("1;36", &format!("{:>12}", "Analysing"))
            );
            let _ = err.flush();
        }
    }

    /// Clears the progress line.
    pub fn clear_progress(&self) {
        if !self.quiet && self.tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
