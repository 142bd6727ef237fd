//! `tomar serve | migrate | demo | setting | user | log-key | verify | export`. Thin: parse,
//! configure, call the start-up code, and turn any failure into one line on stderr and a
//! non-zero exit.

use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tomar::config::{
    self, Cli, Command, ConfigError, ExportCommand, FileConfig, ServeSettings, UserCommand,
    VerifyCommand,
};
use tomar::demo::{self, DemoError};
use tomar::generated_secret::{self, SecretError};
use tomar::startup::{self, Application, StartupError};
use tomar::verify::{self, VerifyError};
use tomar_core::contact::Contact;
use tomar_core::language::Language;
use tomar_core::member::Role;
use tomar_core::names::CampaignRef;
use tomar_store::StoreError;
use tracing_subscriber::EnvFilter;

/// Under a surge a tenth of the server's samples were in glibc's malloc and free (SQLite's
/// page caches and every request's small strings, across a dozen threads); with mimalloc
/// the server spends about a quarter less CPU per signer (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, thiserror::Error)]
enum MainError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the log does not check out: {0}")]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Receipt(#[from] verify::receipt::ReceiptError),
    #[error("campaign {0:?} has never been public: it has nothing to deliver")]
    NeverPublic(String),
    #[error("could not write {0}: {1}")]
    Write(std::path::PathBuf, std::io::Error),
}

/// The store a command works on and the server's secret, found as `tomar serve` finds them.
async fn store_and_secret(
    database: &config::DatabaseArgs,
    secret: Option<&str>,
    file: &FileConfig,
) -> Result<(tomar_store::Store, tomar_core::secret::Secret), MainError> {
    let configured = config::secret(secret, file)?;
    let url = config::database_url(database, file)?;
    let store = startup::open_store(&url).await?;
    let secret = generated_secret::secret_for(&url, &store, configured).await?;
    Ok((store, secret))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("TOMAR_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tomar: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), MainError> {
    let file = FileConfig::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve(args) => {
            let settings = ServeSettings::resolve(&args, &file)?;
            let app = Application::build(&settings).await?;
            tracing::info!(address = %format!("http://{}", app.addr()), "Tomar is serving");
            app.run_until_stopped().await;
        }
        Command::Migrate(args) => {
            startup::open_store(&config::database_url(&args, &file)?).await?;
            tracing::info!("the database schema is up to date");
        }
        Command::Setting(args) => {
            let store = startup::open_store(&config::database_url(&args.database, &file)?).await?;
            store.set_setting(&args.key, &args.value).await?;
            tracing::info!(key = %args.key, "setting saved");
        }
        Command::User(UserCommand::Grant(args)) => {
            let role = Role::from_name(args.role.trim())
                .ok_or_else(|| ConfigError::Role(args.role.clone()))?;
            let contact = Contact::parse(&args.contact)
                .map_err(|_| ConfigError::Contact(args.contact.clone()))?;
            let (store, secret) =
                store_and_secret(&args.database, args.secret.as_deref(), &file).await?;
            let sealed = secret.seal(contact.as_ref(), tomar_web::random::nonce());
            let member = store
                .grant_role(
                    &secret.contact_key(&contact),
                    &sealed,
                    role,
                    Timestamp::now(),
                )
                .await?;
            tracing::info!(member = %member.id, role = role.name(), "role granted");
        }
        Command::Verify(VerifyCommand::Count(args)) => {
            let report = verify::count(&args.url, args.key.as_deref(), &args.state).await?;
            print_count(&report);
        }
        Command::Verify(VerifyCommand::Receipt(args)) => {
            let owner = args.code.as_deref().zip(args.name.as_deref());
            print_receipt(&verify::receipt::check(&args.file, &args.key, owner)?);
        }
        Command::LogKey(args) => {
            let (_, secret) =
                store_and_secret(&args.database, args.secret.as_deref(), &file).await?;
            let key = tomar_core::signature_log::signing_key(&args.public_url, &secret);
            println!("{}", key.verifier_key());
        }
        Command::Export(ExportCommand::Delivery(args)) => {
            let language = Language::from_code(&args.language)
                .ok_or_else(|| ConfigError::Language(args.language.clone()))?;
            let signing = &args.signing;
            let (store, secret) =
                store_and_secret(&signing.database, signing.secret.as_deref(), &file).await?;
            let reference = CampaignRef::parse(args.campaign.trim())
                .ok_or_else(|| ConfigError::Campaign(args.campaign.clone()))?;
            let campaign = store
                .campaign(&reference)
                .await?
                .ok_or(StoreError::NotFound("campaign"))?;
            if !campaign.lifecycle.is_public() {
                return Err(MainError::NeverPublic(args.campaign.clone()));
            }
            let checkpoints = tomar_web::Checkpoints::new(&signing.public_url, &secret);
            let bar = ProgressBar::new(campaign.signature_count).with_style(
                ProgressStyle::with_template(
                    "{wide_bar} {human_pos}/{human_len} signers listed, {per_sec}, {eta} left",
                )
                .expect("a valid progress template"),
            );
            let tr = tomar_web::Tr::new(language);
            let made = Timestamp::now();
            let platform = tomar_web::Platform::new(store.settings().await?);
            let volumes = tomar_web::volumes(&store, &platform, campaign.id).await?;
            let mut before = 0;
            for volume in volumes {
                let out = volume_file(&args.out, &volume);
                let listed = bar.clone();
                let of = tomar_web::PackageOf {
                    campaign: campaign.clone(),
                    volume,
                    tr,
                    made,
                };
                let pdf = tomar_web::pdf_package(&store, &checkpoints, &secret, of, move |n| {
                    listed.set_position(before + n)
                })
                .await?;
                before = bar.position();
                std::fs::write(&out, &pdf).map_err(|error| MainError::Write(out.clone(), error))?;
                tracing::info!(file = %out.display(), bytes = pdf.len(), "delivery package written");
            }
            bar.finish();
        }
        Command::Demo(args) => {
            let store = startup::open_store(&config::database_url(&args.database, &file)?).await?;
            if demo::create_if_empty(&store, Timestamp::now()).await? {
                tracing::info!("demo content created");
            } else {
                tracing::info!("the database already has campaigns; demo content not added");
            }
            if let Some(count) = args.signatures {
                let campaign = CampaignRef::parse(args.campaign.trim())
                    .ok_or_else(|| ConfigError::Campaign(args.campaign.clone()))?;
                let bar = ProgressBar::new(count).with_style(
                    ProgressStyle::with_template(
                        "{wide_bar} {human_pos}/{human_len} signatures, {per_sec}, {eta} left",
                    )
                    .expect("a valid progress template"),
                );
                let counted =
                    demo::add_signatures(&store, &campaign, count, Timestamp::now(), |n| {
                        bar.set_position(n)
                    })
                    .await?;
                bar.finish();
                tracing::info!(counted, campaign = %args.campaign, "fictional signatures added");
            }
        }
    }
    Ok(())
}

/// What `tomar verify receipt` found, for a person to read.
fn print_receipt(report: &verify::receipt::ReceiptReport) {
    let receipt = &report.receipt;
    println!(
        "signature {} is entry {} of log {} (signed at {} entries): signature and inclusion checked",
        receipt.number, receipt.index, receipt.origin, receipt.log_size
    );
    println!(
        "signed {} UTC, text version {} (SHA-256 {})",
        receipt.minute.strftime("%Y-%m-%d %H:%M"),
        receipt.text_version,
        tomar_core::hash::hex(&receipt.text_hash)
    );
    match &report.owner {
        Some(name) => println!("the signature is {name}'s: the code and the name open it"),
        None => println!("whose it is was not asked: give --code and --name to show that"),
    }
}

/// Where a volume of a package goes: `out` itself for a package of one, else `out` with the
/// volume's number before its extension (`package-2.pdf`).
fn volume_file(out: &std::path::Path, volume: &tomar_web::Volume) -> std::path::PathBuf {
    if volume.of == 1 {
        return out.to_path_buf();
    }
    let stem = out.file_stem().unwrap_or_default().to_string_lossy();
    let name = match out.extension() {
        Some(extension) => format!("{stem}-{}.{}", volume.number, extension.to_string_lossy()),
        None => format!("{stem}-{}", volume.number),
    };
    out.with_file_name(name)
}

/// What `tomar verify count` found, for a person to read.
fn print_count(report: &verify::CountReport) {
    println!(
        "log {}: {} entries, signature and tree checked",
        report.origin, report.size
    );
    println!(
        "live count {} ({} signatures, {} withdrawn, {} invalidated)",
        report.live(),
        report.signatures,
        report.withdrawn,
        report.invalidated
    );
    if report.carried > 0 {
        println!(
            "{} of the signatures carried from campaigns merged into this one",
            report.carried
        );
    }
    if let Some(into) = report.merged_into {
        println!("the log ends here: the campaign was merged into campaign {into}");
    }
    for (version, count) in &report.by_version {
        println!("text version {version}: {count}");
    }
    for (day, count) in &report.by_day {
        println!("{day}: {count}");
    }
    match report.extends {
        Some(size) => println!("extends the checkpoint of {size} entries checked before"),
        None => println!("first check of this log: its checkpoint is remembered"),
    }
}
