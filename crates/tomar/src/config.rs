//! Configuration: flags first, then `TOMAR_*` environment variables, then an optional
//! `tomar.toml`, then defaults. Every bad value becomes one clear sentence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;
use tomar_store::DatabaseUrl;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite:tomar.db";
const DEFAULT_CONFIG_FILE: &str = "tomar.toml";

#[derive(Debug, Parser)]
#[command(
    name = "tomar",
    version,
    about = "Tomar (طومار): a Persian-first petition platform"
)]
pub struct Cli {
    /// Configuration file [default: tomar.toml, if present]
    #[arg(long, env = "TOMAR_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Fill an empty database with fictional demo content, then exit.
    Demo(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite:PATH or postgres://USER@HOST/DB [default: sqlite:tomar.db]
    #[arg(long, env = "TOMAR_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address to listen on, HOST:PORT [default: 127.0.0.1:8080]
    #[arg(long, env = "TOMAR_ADDR")]
    pub addr: Option<String>,

    /// Create the demo content first if the database is empty.
    #[arg(long, env = "TOMAR_DEMO")]
    pub demo: bool,
}

/// What `tomar.toml` may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub addr: Option<String>,
    pub database_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid address {0:?}: expected HOST:PORT, e.g. 127.0.0.1:8080")]
    Addr(String),
    #[error("invalid database URL: {0}")]
    Database(#[from] tomar_store::StoreError),
}

impl FileConfig {
    /// Reads `explicit` (which must exist) or `tomar.toml` in the working directory (which
    /// may not).
    pub fn load(explicit: Option<&Path>) -> Result<FileConfig, ConfigError> {
        let path = explicit.unwrap_or(Path::new(DEFAULT_CONFIG_FILE));
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FileConfig::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })
    }
}

/// The database to use: flag or environment, then file, then the default.
pub fn database_url(args: &DatabaseArgs, file: &FileConfig) -> Result<DatabaseUrl, ConfigError> {
    let url = args
        .database_url
        .as_deref()
        .or(file.database_url.as_deref())
        .unwrap_or(DEFAULT_DATABASE_URL);
    Ok(DatabaseUrl::parse(url)?)
}

/// The address to listen on: flag or environment, then file, then the default.
pub fn listen_addr(args: &ServeArgs, file: &FileConfig) -> Result<SocketAddr, ConfigError> {
    let addr = args
        .addr
        .as_deref()
        .or(file.addr.as_deref())
        .unwrap_or(DEFAULT_ADDR);
    addr.trim()
        .parse()
        .map_err(|_| ConfigError::Addr(addr.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> ServeArgs {
        let cli = Cli::try_parse_from([&["tomar", "serve"], args].concat()).unwrap();
        match cli.command {
            Command::Serve(serve) => serve,
            other => panic!("parsed {other:?}"),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig {
            addr: Some("0.0.0.0:9000".into()),
            database_url: Some("sqlite:from-file.db".into()),
        };
        let flags = serve(&[
            "--addr",
            "127.0.0.1:7000",
            "--database-url",
            "sqlite:flag.db",
        ]);
        assert_eq!(listen_addr(&flags, &file).unwrap().port(), 7000);
        assert_eq!(
            database_url(&flags.database, &file).unwrap(),
            DatabaseUrl::Sqlite("flag.db".into())
        );
        let bare = serve(&[]);
        assert_eq!(listen_addr(&bare, &file).unwrap().port(), 9000);
        assert_eq!(
            database_url(&bare.database, &file).unwrap(),
            DatabaseUrl::Sqlite("from-file.db".into())
        );
        let defaults = FileConfig::default();
        assert_eq!(
            listen_addr(&bare, &defaults).unwrap().to_string(),
            DEFAULT_ADDR
        );
        assert_eq!(
            database_url(&bare.database, &defaults).unwrap(),
            DatabaseUrl::Sqlite("tomar.db".into())
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let file = FileConfig::default();
        let error = listen_addr(&serve(&["--addr", "nowhere"]), &file).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid address \"nowhere\": expected HOST:PORT, e.g. 127.0.0.1:8080"
        );
        let error =
            database_url(&serve(&["--database-url", "mysql://x"]).database, &file).unwrap_err();
        assert!(
            error.to_string().contains("use sqlite:PATH or postgres://"),
            "{error}"
        );
    }

    #[test]
    fn files_with_unknown_keys_or_missing_explicitly_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tomar.toml");
        std::fs::write(&path, "adr = \"x\"\n").unwrap();
        assert!(matches!(
            FileConfig::load(Some(&path)),
            Err(ConfigError::Parse { .. })
        ));
        let missing = dir.path().join("missing.toml");
        assert!(matches!(
            FileConfig::load(Some(&missing)),
            Err(ConfigError::Read { .. })
        ));
    }
}
