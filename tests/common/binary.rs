//! The `plexus` binary as the tests run it: arguments, piped stdin, a working directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `plexus ARGS` in `cwd` with `stdin` piped in.
pub fn plexus_in(cwd: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plexus"))
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plexus");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait for plexus")
}
