//! `plexus serve --config FILE`: a TOML file whose keys are the flags of
//! `plexus serve` (`bolt_port = 7687`, `data_dir = "db"`, `in_memory = true`,
//! ...). Its settings go in front of the command line's, so a flag given on
//! the command line wins, and every flag is settable in the file by
//! construction.

use std::ffi::OsString;

/// The arguments with the config file's settings inserted after `serve`.
pub fn expand(args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let Some(serve) = args.iter().position(|a| a == "serve") else { return Ok(args) };
    let mut path = None;
    for (i, a) in args.iter().enumerate().skip(serve + 1) {
        let a = a.to_string_lossy();
        if a == "--config" {
            path = args.get(i + 1).cloned();
        } else if let Some(p) = a.strip_prefix("--config=") {
            path = Some(p.into());
        }
    }
    let Some(path) = path else { return Ok(args) };
    let shown = path.to_string_lossy().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read the config file {shown}: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e| format!("{shown}: {e}"))?;
    let mut settings = Vec::new();
    for (key, value) in table {
        if key == "config" {
            return Err(format!("{shown}: a config file cannot name another (`config`)"));
        }
        let flag = format!("--{}", key.replace('_', "-"));
        match value {
            toml::Value::Boolean(true) => settings.push(flag.into()),
            toml::Value::Boolean(false) => {}
            toml::Value::String(s) => settings.extend([flag.into(), s.into()]),
            toml::Value::Integer(i) => settings.extend([flag.into(), i.to_string().into()]),
            other => {
                return Err(format!("{shown}: `{key}` must be a string, integer or boolean, not {}", other.type_str()))
            }
        }
    }
    let mut out = args[..=serve].to_vec();
    out.extend(settings);
    out.extend_from_slice(&args[serve + 1..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn file_settings_come_before_the_command_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plexus.toml");
        std::fs::write(&file, "bolt_port = 9000\ndata_dir = \"db\"\nin_memory = false\nsync = \"batch\"\n").unwrap();
        let f = file.to_str().unwrap();
        let got = expand(os(&["plexus", "serve", "--config", f, "--bolt-port", "9001"])).unwrap();
        assert_eq!(
            got,
            os(&[
                "plexus",
                "serve",
                "--bolt-port",
                "9000",
                "--data-dir",
                "db",
                "--sync",
                "batch",
                "--config",
                f,
                "--bolt-port",
                "9001"
            ])
        );
        assert_eq!(expand(os(&["plexus", "shell"])).unwrap(), os(&["plexus", "shell"]));
        std::fs::write(&file, "bolt_port = [1]\n").unwrap();
        assert!(expand(os(&["plexus", "serve", "--config", f])).unwrap_err().contains("bolt_port"));
        std::fs::write(&file, "bolt_port = \n").unwrap();
        assert!(expand(os(&["plexus", "serve", "--config", f])).is_err());
        assert!(expand(os(&["plexus", "serve", "--config", "/nonexistent.toml"])).unwrap_err().contains("cannot read"));
    }

    #[test]
    fn tls_files_can_be_set_in_the_config_file() {
        use clap::Parser;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plexus.toml");
        std::fs::write(&file, "tls_cert = \"server.crt\"\ntls_key = \"server.key\"\n").unwrap();
        let args = expand(os(&["plexus", "serve", "--config", file.to_str().unwrap()])).unwrap();
        let Ok(crate::cli::Cli { command: crate::cli::Command::Serve(serve) }) = crate::cli::Cli::try_parse_from(args)
        else {
            panic!("parse failed")
        };
        assert_eq!(serve.tls_cert.as_deref(), Some(std::path::Path::new("server.crt")));
        assert_eq!(serve.tls_key.as_deref(), Some(std::path::Path::new("server.key")));
        // One without the other is refused by the command line itself.
        std::fs::write(&file, "tls_cert = \"server.crt\"\n").unwrap();
        let args = expand(os(&["plexus", "serve", "--config", file.to_str().unwrap()])).unwrap();
        assert!(crate::cli::Cli::try_parse_from(args).is_err());
    }
}
