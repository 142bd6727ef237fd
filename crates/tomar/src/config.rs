//! Configuration: flags first, then `TOMAR_*` environment variables, then an optional
//! `tomar.toml`, then defaults. Every bad value becomes one clear sentence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;
use tomar_core::secret::Secret;
use tomar_notify::{FileOutbox, SmsGateway, SmtpMailer, TELEGRAM_API, TelegramBot, Transport};
use tomar_store::DatabaseUrl;
use tomar_web::TrustedProxies;

use crate::server::ConnectionLimits;

pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite:tomar.db";
pub const DEFAULT_OUTBOX: &str = "outbox";
pub const DEFAULT_MAIL_FROM: &str = "Tomar <tomar@localhost>";
const DEFAULT_CONFIG_FILE: &str = "tomar.toml";
/// Short enough tokens could be guessed by trying.
const MIN_METRICS_TOKEN: usize = 16;
/// A public page a second old is current enough for a reader, and a surge's thousands of
/// readers a second then cost one drawing.
const DEFAULT_PAGE_MEMORY: Duration = Duration::from_secs(1);
/// A page older than a minute would hide a moderator's act for too long.
const MAX_PAGE_MEMORY: u64 = 60;

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
    Serve(Box<ServeArgs>),
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Fill an empty database with fictional demo content (and with --signatures, add that
    /// many fictional signatures to a campaign), then exit.
    Demo(DemoArgs),
    /// Set a run-time platform setting (limits, switches, texts), then exit.
    Setting(SettingArgs),
    /// Manage people: `tomar user grant <mobile-or-email> <member|moderator|admin>`.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the key that campaigns' public logs sign their checkpoints with (as served at
    /// /.well-known/tomar-log-key), for verifiers to pin.
    LogKey(LogKeyArgs),
    /// Check a public log without trusting its server: `tomar verify count URL`, or a
    /// signer's receipt: `tomar verify receipt FILE --key KEY`.
    #[command(subcommand)]
    Verify(VerifyCommand),
    /// Write a file for someone outside Tomar: `tomar export delivery CAMPAIGN --out FILE`.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// A campaign's delivery package for its addressee, as a PDF: the letter as published,
    /// the platform's statement, how to check the count, and every counted signer.
    Delivery(ExportDeliveryArgs),
}

#[derive(Debug, Args)]
pub struct ExportDeliveryArgs {
    /// The database, the secret and the public address the log is signed for, as given to
    /// `tomar serve`
    #[command(flatten)]
    pub signing: LogKeyArgs,
    /// The campaign: its number or its slug
    pub campaign: String,
    /// Where to write the PDF; a package in several volumes (see
    /// `limits.delivery_names_per_volume`) is written beside it as FILE-1.pdf, FILE-2.pdf…
    #[arg(long)]
    pub out: PathBuf,
    /// The language of the package's own words: fa or en
    #[arg(long, default_value = "fa")]
    pub language: String,
}

#[derive(Debug, Subcommand)]
pub enum VerifyCommand {
    /// Fetch a campaign's log (URL: https://HOST/log/NUMBER), check its signature, its
    /// tiles, its entries and texts, recount it per day and per text version, and demand
    /// that it extends the checkpoint remembered from the last check.
    Count(VerifyCountArgs),
    /// Check a signer's receipt (a .tlog-proof file) offline: its checkpoint's signature
    /// and that its signature entry is in that log; with --code and --name, that the
    /// signature is that person's.
    Receipt(VerifyReceiptArgs),
}

#[derive(Debug, Args)]
pub struct VerifyReceiptArgs {
    /// The receipt file
    pub file: PathBuf,
    /// The key the log signs with, as `tomar log-key` prints it or
    /// /.well-known/tomar-log-key serves it
    #[arg(long)]
    pub key: String,
    /// The receipt code the signer was given
    #[arg(long, requires = "name")]
    pub code: Option<String>,
    /// The name as it was signed
    #[arg(long, requires = "code")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyCountArgs {
    /// The log, as https://HOST/log/NUMBER
    pub url: String,
    /// The key the log must be signed with, as `tomar log-key` prints it [default: the one
    /// the server publishes, which proves less]
    #[arg(long)]
    pub key: Option<String>,
    /// Where checkpoints seen are remembered between checks
    #[arg(long, default_value = "tomar-verify.state")]
    pub state: PathBuf,
}

#[derive(Debug, Args)]
pub struct LogKeyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The server secret, as given to `tomar serve` [default on SQLite: the one generated
    /// beside the database]
    #[arg(long, env = "TOMAR_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// The address people reach Tomar at, as given to `tomar serve`: the key is named after
    /// its host
    #[arg(long, env = "TOMAR_PUBLIC_URL")]
    pub public_url: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Give the person with this mobile number or email a role, registering them if needed
    /// (this is how the first admin is made).
    Grant(GrantArgs),
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The server secret, as given to `tomar serve` [default on SQLite: the one generated
    /// beside the database]
    #[arg(long, env = "TOMAR_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Their mobile number or email, as they will log in with it
    pub contact: String,
    /// member, moderator or admin
    pub role: String,
}

#[derive(Debug, Args)]
pub struct SettingArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// e.g. limits.codes_per_network_per_hour
    pub key: String,
    pub value: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Also add this many fictional signatures, spread over the last 30 days: a big data
    /// set to measure with
    #[arg(long)]
    pub signatures: Option<u64>,
    /// The campaign to add them to, by number or slug
    #[arg(long, default_value = "demo", requires = "signatures")]
    pub campaign: String,
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

    /// Create the demo content first if the database is empty; log messages (codes
    /// included) to the console.
    #[arg(long, env = "TOMAR_DEMO")]
    pub demo: bool,

    /// Directory the file outbox writes messages to [default: outbox]
    #[arg(long, env = "TOMAR_OUTBOX")]
    pub outbox: Option<PathBuf>,

    /// The server secret, 64+ hex digits, keying contact hashes and codes
    /// [default: generated once and kept in the database]
    #[arg(long, env = "TOMAR_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// The address people use to reach Tomar, for links in messages [default: http://ADDR]
    #[arg(long, env = "TOMAR_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Send SMS through this gateway: kavenegar:KEY?sender=LINE[&lookup=TEMPLATE], or an
    /// http(s) URL with {to} and {text} [default: SMS go to the file outbox]
    #[arg(long, env = "TOMAR_SMS_GATEWAY", hide_env_values = true)]
    pub sms_gateway: Option<String>,

    /// Send email through this server: smtp://HOST:PORT[?tls=required] or
    /// smtps://USER:PASSWORD@HOST:465 [default: email goes to the file outbox]
    #[arg(long, env = "TOMAR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Post campaign news (approved, delivered, succeeded) to the Telegram channel an admin
    /// names on /admin, as this bot: the token BotFather gave [default: posts go to the
    /// file outbox]
    #[arg(long, env = "TOMAR_TELEGRAM_BOT_TOKEN", hide_env_values = true)]
    pub telegram_bot_token: Option<String>,

    /// The Telegram Bot API's address, for a relay where api.telegram.org is blocked
    /// [default: https://api.telegram.org]
    #[arg(long, env = "TOMAR_TELEGRAM_API")]
    pub telegram_api: Option<String>,

    /// The sender of email, e.g. "Tomar <codes@example.org>" [default: Tomar <tomar@localhost>]
    #[arg(long, env = "TOMAR_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Seconds a client has to send a request's headers; also how long an idle connection
    /// stays open [default: 10]
    #[arg(long, env = "TOMAR_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,

    /// Seconds a client has to send a request's body [default: 30]
    #[arg(long, env = "TOMAR_BODY_TIMEOUT")]
    pub body_timeout: Option<u64>,

    /// A streaming standby of the PostgreSQL database, postgres://USER@HOST/DB, to read
    /// the public lists and counts from [default: everything from --database-url]
    #[arg(long, env = "TOMAR_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,

    /// Connections served at once [default: the open-file limit less 128, at most 16384]
    #[arg(long, env = "TOMAR_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// A proxy or load balancer (an address or CIDR, e.g. 10.0.0.0/8) whose
    /// X-Forwarded-For is believed; repeat for several [default: none, the TCP peer is
    /// the client]
    #[arg(
        long = "trusted-proxy",
        env = "TOMAR_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,

    /// Serve /metrics (Prometheus text) to a scraper sending "Authorization: Bearer TOKEN";
    /// 16 or more characters [default: no /metrics]
    #[arg(long, env = "TOMAR_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Seconds a public page (campaign, home, listings, search, hashtag) is answered from
    /// memory to visitors not logged in before it is drawn again; 0 draws it for every
    /// request [default: 1]
    #[arg(long, env = "TOMAR_PAGE_MEMORY")]
    pub page_memory: Option<u64>,
}

/// What `tomar.toml` may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub addr: Option<String>,
    pub database_url: Option<String>,
    pub outbox: Option<PathBuf>,
    pub secret: Option<String>,
    pub public_url: Option<String>,
    pub sms_gateway: Option<String>,
    pub smtp_url: Option<String>,
    pub telegram_bot_token: Option<String>,
    pub telegram_api: Option<String>,
    pub mail_from: Option<String>,
    pub header_timeout: Option<u64>,
    pub body_timeout: Option<u64>,
    pub max_connections: Option<usize>,
    pub read_database_url: Option<String>,
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    pub metrics_token: Option<String>,
    pub page_memory: Option<u64>,
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
    #[error("invalid secret: expected at least {} hex digits", Secret::MIN_LEN * 2)]
    Secret,
    #[error(
        "--read-database-url names a PostgreSQL standby, and goes with a PostgreSQL --database-url"
    )]
    ReadReplica,
    #[error("invalid public URL {0:?}: expected http://HOST or https://HOST")]
    PublicUrl(String),
    #[error("invalid SMS gateway: {0}")]
    SmsGateway(String),
    #[error("invalid SMTP settings: {0}")]
    Smtp(String),
    #[error("invalid Telegram settings: {0}")]
    Telegram(String),
    #[error("invalid trusted proxy {0:?}: expected an address or CIDR, e.g. 10.0.0.0/8")]
    TrustedProxy(String),
    #[error("invalid {0}: expected a whole number above zero")]
    Limit(&'static str),
    #[error("invalid role {0:?}: expected member, moderator or admin")]
    Role(String),
    #[error("invalid contact {0:?}: expected a mobile number or an email address")]
    Contact(String),
    #[error("invalid campaign {0:?}: expected its number or its slug")]
    Campaign(String),
    #[error("invalid language {0:?}: expected fa or en")]
    Language(String),
    #[error("the metrics token is too short: it needs {MIN_METRICS_TOKEN} characters or more")]
    MetricsToken,
    #[error("invalid page memory: expected 0 to {MAX_PAGE_MEMORY} seconds")]
    PageMemory,
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

/// The read replica: flag or environment, then file; only beside a PostgreSQL database.
fn read_replica(
    database: &DatabaseUrl,
    args: &ServeArgs,
    file: &FileConfig,
) -> Result<Option<DatabaseUrl>, ConfigError> {
    let Some(url) = args
        .read_database_url
        .as_deref()
        .or(file.read_database_url.as_deref())
    else {
        return Ok(None);
    };
    match (database, DatabaseUrl::parse(url)?) {
        (DatabaseUrl::Postgres(_), replica @ DatabaseUrl::Postgres(_)) => Ok(Some(replica)),
        _ => Err(ConfigError::ReadReplica),
    }
}

/// Everything `tomar serve` needs, resolved from flags, environment, file and defaults.
#[derive(Clone, Debug)]
pub struct ServeSettings {
    pub database: DatabaseUrl,
    /// A standby of a PostgreSQL `database` for the public lists and counts.
    pub read_replica: Option<DatabaseUrl>,
    pub addr: SocketAddr,
    pub demo: bool,
    /// Where messages go that have no gateway or mail server of their own: the file outbox
    /// (`--outbox`), or in tests the memory one.
    pub outbox: Transport,
    /// `None`: use the one generated and kept in the database.
    pub secret: Option<Secret>,
    /// `None`: `http://` and the listening address.
    pub public_url: Option<String>,
    /// `None`: SMS go to the file outbox like everything else.
    pub sms_gateway: Option<SmsGateway>,
    /// `None`: email goes to the file outbox.
    pub mailer: Option<SmtpMailer>,
    /// `None`: the channel's posts go to the file outbox.
    pub telegram: Option<TelegramBot>,
    pub connections: ConnectionLimits,
    /// Peers whose X-Forwarded-For names the client.
    pub trusted_proxies: TrustedProxies,
    /// `None`: no /metrics.
    pub metrics_token: Option<String>,
    /// How long a public page is answered from memory; zero: not at all.
    pub page_memory: Duration,
}

/// The configured secret: flag or environment, then file; `None` means the one kept in
/// the database.
pub fn secret(arg: Option<&str>, file: &FileConfig) -> Result<Option<Secret>, ConfigError> {
    match arg.or(file.secret.as_deref()) {
        Some(hex) => Ok(Some(Secret::from_hex(hex).ok_or(ConfigError::Secret)?)),
        None => Ok(None),
    }
}

impl ServeSettings {
    pub fn resolve(args: &ServeArgs, file: &FileConfig) -> Result<ServeSettings, ConfigError> {
        let secret = secret(args.secret.as_deref(), file)?;
        let public_url = match args.public_url.as_deref().or(file.public_url.as_deref()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim_end_matches('/').to_owned())
            }
            Some(other) => return Err(ConfigError::PublicUrl(other.to_owned())),
            None => None,
        };
        let sms_gateway = args
            .sms_gateway
            .as_deref()
            .or(file.sms_gateway.as_deref())
            .map(SmsGateway::parse)
            .transpose()
            .map_err(ConfigError::SmsGateway)?;
        let from = args
            .mail_from
            .as_deref()
            .or(file.mail_from.as_deref())
            .unwrap_or(DEFAULT_MAIL_FROM);
        let mailer = args
            .smtp_url
            .as_deref()
            .or(file.smtp_url.as_deref())
            .map(|url| SmtpMailer::new(url, from))
            .transpose()
            .map_err(ConfigError::Smtp)?;
        let telegram_api = args
            .telegram_api
            .as_deref()
            .or(file.telegram_api.as_deref())
            .unwrap_or(TELEGRAM_API);
        let telegram = args
            .telegram_bot_token
            .as_deref()
            .or(file.telegram_bot_token.as_deref())
            .map(|token| TelegramBot::new(token, telegram_api))
            .transpose()
            .map_err(ConfigError::Telegram)?;
        let seconds =
            |flag: Option<u64>, file: Option<u64>, name, default: Duration| match flag.or(file) {
                Some(0) => Err(ConfigError::Limit(name)),
                Some(seconds) => Ok(Duration::from_secs(seconds)),
                None => Ok(default),
            };
        let connections = ConnectionLimits {
            header_timeout: seconds(
                args.header_timeout,
                file.header_timeout,
                "header timeout",
                ConnectionLimits::DEFAULT_HEADER_TIMEOUT,
            )?,
            body_timeout: seconds(
                args.body_timeout,
                file.body_timeout,
                "body timeout",
                ConnectionLimits::DEFAULT_BODY_TIMEOUT,
            )?,
            max_connections: match args.max_connections.or(file.max_connections) {
                Some(0) => return Err(ConfigError::Limit("connection cap")),
                Some(cap) => cap,
                None => ConnectionLimits::default_max_connections(),
            },
        };
        let proxies = match args.trusted_proxies.is_empty() {
            true => &file.trusted_proxies,
            false => &args.trusted_proxies,
        };
        let trusted_proxies = TrustedProxies::parse(proxies).map_err(ConfigError::TrustedProxy)?;
        let database = database_url(&args.database, file)?;
        let read_replica = read_replica(&database, args, file)?;
        let metrics_token = args.metrics_token.as_ref().or(file.metrics_token.as_ref());
        let metrics_token = match metrics_token.map(|token| token.trim()) {
            Some(token) if token.chars().count() < MIN_METRICS_TOKEN => {
                return Err(ConfigError::MetricsToken);
            }
            token => token.map(str::to_owned),
        };
        let page_memory = match args.page_memory.or(file.page_memory) {
            Some(seconds) if seconds > MAX_PAGE_MEMORY => return Err(ConfigError::PageMemory),
            Some(seconds) => Duration::from_secs(seconds),
            None => DEFAULT_PAGE_MEMORY,
        };
        Ok(ServeSettings {
            metrics_token,
            page_memory,
            sms_gateway,
            mailer,
            telegram,
            connections,
            trusted_proxies,
            database,
            read_replica,
            addr: listen_addr(args, file)?,
            demo: args.demo,
            outbox: Transport::File(FileOutbox::new(
                args.outbox
                    .clone()
                    .or_else(|| file.outbox.clone())
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTBOX)),
                args.demo,
            )),
            secret,
            public_url,
        })
    }
}

#[cfg(test)]
mod tests;
