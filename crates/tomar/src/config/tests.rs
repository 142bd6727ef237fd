//! How flags, environment, file and defaults resolve, and the errors bad values give.

use super::*;

fn serve(args: &[&str]) -> ServeArgs {
    let cli = Cli::try_parse_from([&["tomar", "serve"], args].concat()).unwrap();
    match cli.command {
        Command::Serve(serve) => *serve,
        other => panic!("parsed {other:?}"),
    }
}

#[test]
fn flags_win_over_the_file_and_the_file_over_defaults() {
    let file = FileConfig {
        addr: Some("0.0.0.0:9000".into()),
        database_url: Some("sqlite:from-file.db".into()),
        outbox: Some("mail".into()),
        ..FileConfig::default()
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

fn outbox_dir(settings: &ServeSettings) -> Option<&Path> {
    match &settings.outbox {
        Transport::File(files) => Some(files.dir()),
        _ => None,
    }
}

#[test]
fn serve_settings_resolve_secret_outbox_and_public_url() {
    let file = FileConfig {
        outbox: Some("from-file".into()),
        ..FileConfig::default()
    };
    let settings =
        ServeSettings::resolve(&serve(&["--public-url", "https://tomar.example/"]), &file).unwrap();
    assert_eq!(outbox_dir(&settings), Some(Path::new("from-file")));
    assert_eq!(
        settings.public_url.as_deref(),
        Some("https://tomar.example")
    );
    assert!(settings.secret.is_none());
    assert_eq!(
        settings.connections.header_timeout,
        ConnectionLimits::DEFAULT_HEADER_TIMEOUT
    );
    let timed = serve(&["--body-timeout", "5", "--max-connections", "64"]);
    let timed = ServeSettings::resolve(&timed, &file).unwrap();
    assert_eq!(timed.connections.body_timeout, Duration::from_secs(5));
    assert_eq!(timed.connections.max_connections, 64);
    let hex = "ab".repeat(32);
    let with_secret =
        ServeSettings::resolve(&serve(&["--secret", &hex]), &FileConfig::default()).unwrap();
    assert_eq!(outbox_dir(&with_secret), Some(Path::new(DEFAULT_OUTBOX)));
    assert_eq!(with_secret.secret.unwrap().to_hex(), hex);
    assert!(matches!(
        ServeSettings::resolve(&serve(&["--secret", "abc"]), &file),
        Err(ConfigError::Secret)
    ));
    assert!(matches!(
        ServeSettings::resolve(&serve(&["--public-url", "tomar.example"]), &file),
        Err(ConfigError::PublicUrl(_))
    ));
    assert!(matches!(
        ServeSettings::resolve(&serve(&["--sms-gateway", "kavenegar:KEY"]), &file),
        Err(ConfigError::SmsGateway(_))
    ));
    assert!(matches!(
        ServeSettings::resolve(&serve(&["--smtp-url", "mail.example"]), &file),
        Err(ConfigError::Smtp(_))
    ));
    let smtp = serve(&[
        "--smtp-url",
        "smtp://127.0.0.1:2525",
        "--mail-from",
        "Tomar <a@b.example>",
    ]);
    assert!(
        ServeSettings::resolve(&smtp, &file)
            .unwrap()
            .mailer
            .is_some()
    );
    let gateway = serve(&["--sms-gateway", "kavenegar:KEY?sender=1000"]);
    assert!(
        ServeSettings::resolve(&gateway, &file)
            .unwrap()
            .sms_gateway
            .is_some()
    );
}

#[test]
fn a_telegram_bot_comes_from_a_flag_or_the_file_and_its_token_stays_unsaid() {
    let file = FileConfig::default();
    assert!(
        ServeSettings::resolve(&serve(&[]), &file)
            .unwrap()
            .telegram
            .is_none()
    );
    let relayed = serve(&[
        "--telegram-bot-token",
        "123456:SECRET-key",
        "--telegram-api",
        "https://relay.example/telegram/",
    ]);
    let bot = ServeSettings::resolve(&relayed, &file).unwrap().telegram;
    assert!(!format!("{bot:?}").contains("SECRET"), "{bot:?}");
    let from_file = FileConfig {
        telegram_bot_token: Some("123456:from-file".into()),
        ..FileConfig::default()
    };
    assert!(
        ServeSettings::resolve(&serve(&[]), &from_file)
            .unwrap()
            .telegram
            .is_some()
    );
    for wrong in [
        &["--telegram-bot-token", "SECRET"][..],
        &[
            "--telegram-bot-token",
            "1:SECRET",
            "--telegram-api",
            "relay.example",
        ][..],
    ] {
        let error = ServeSettings::resolve(&serve(wrong), &file).unwrap_err();
        assert!(matches!(error, ConfigError::Telegram(_)), "{error}");
        assert!(!error.to_string().contains("SECRET"), "{error}");
    }
}

#[test]
fn bad_values_are_clear_errors() {
    let file = FileConfig::default();
    let error = listen_addr(&serve(&["--addr", "nowhere"]), &file).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid address \"nowhere\": expected HOST:PORT, e.g. 127.0.0.1:8080"
    );
    for (flag, value) in [
        ("--header-timeout", "0"),
        ("--max-connections", "0"),
        ("--trusted-proxy", "proxy.internal"),
    ] {
        let refused = ServeSettings::resolve(&serve(&[flag, value]), &file);
        assert!(refused.is_err(), "{flag} {value}");
    }
    let error =
        ServeSettings::resolve(&serve(&["--trusted-proxy", "10.0.0.0/8,x"]), &file).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid trusted proxy \"x\": expected an address or CIDR, e.g. 10.0.0.0/8"
    );
    let error = database_url(&serve(&["--database-url", "mysql://x"]).database, &file).unwrap_err();
    assert!(
        error.to_string().contains("use sqlite:PATH or postgres://"),
        "{error}"
    );
}

#[test]
fn a_read_replica_goes_only_with_postgres() {
    let file = FileConfig::default();
    let primary = "postgres://tomar@db-primary/tomar";
    let replica = "postgres://tomar@db-standby/tomar";
    let both = ["--database-url", primary, "--read-database-url", replica];
    let settings = ServeSettings::resolve(&serve(&both), &file).unwrap();
    assert_eq!(
        settings.read_replica,
        Some(DatabaseUrl::Postgres(replica.into()))
    );
    let from_file = FileConfig {
        read_database_url: Some(replica.into()),
        ..FileConfig::default()
    };
    let settings =
        ServeSettings::resolve(&serve(&["--database-url", primary]), &from_file).unwrap();
    assert!(settings.read_replica.is_some(), "from the file too");
    let alone = ServeSettings::resolve(&serve(&["--database-url", primary]), &file);
    assert_eq!(alone.unwrap().read_replica, None);
    for refused in [
        [
            "--database-url",
            "sqlite:tomar.db",
            "--read-database-url",
            replica,
        ],
        [
            "--database-url",
            primary,
            "--read-database-url",
            "sqlite:copy.db",
        ],
    ] {
        let error = ServeSettings::resolve(&serve(&refused), &file).unwrap_err();
        assert!(
            matches!(error, ConfigError::ReadReplica),
            "{refused:?}: {error}"
        );
    }
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

#[test]
fn a_metrics_token_comes_from_a_flag_or_the_file_and_must_be_long() {
    let none = ServeSettings::resolve(&serve(&[]), &FileConfig::default()).unwrap();
    assert_eq!(none.metrics_token, None, "no /metrics unless asked for");
    let file = FileConfig {
        metrics_token: Some("a-token-from-the-file".into()),
        ..FileConfig::default()
    };
    let from_file = ServeSettings::resolve(&serve(&[]), &file).unwrap();
    assert_eq!(
        from_file.metrics_token.as_deref(),
        Some("a-token-from-the-file")
    );
    let flag = serve(&["--metrics-token", " sixteen-chars-ok "]);
    let from_flag = ServeSettings::resolve(&flag, &file).unwrap();
    assert_eq!(from_flag.metrics_token.as_deref(), Some("sixteen-chars-ok"));
    for short in ["", "   ", "short", "fifteen-chars-x"] {
        let flag = serve(&["--metrics-token", short]);
        assert!(
            matches!(
                ServeSettings::resolve(&flag, &file),
                Err(ConfigError::MetricsToken)
            ),
            "{short:?}"
        );
    }
}

#[test]
fn page_memory_is_a_second_unless_set_and_at_most_a_minute() {
    let default = ServeSettings::resolve(&serve(&[]), &FileConfig::default()).unwrap();
    assert_eq!(default.page_memory, Duration::from_secs(1));
    let file = FileConfig {
        page_memory: Some(5),
        ..FileConfig::default()
    };
    let from_file = ServeSettings::resolve(&serve(&[]), &file).unwrap();
    assert_eq!(from_file.page_memory, Duration::from_secs(5));
    let none = ServeSettings::resolve(&serve(&["--page-memory", "0"]), &file).unwrap();
    assert_eq!(none.page_memory, Duration::ZERO, "0 keeps no page");
    for refused in ["61", "18446744073709551615"] {
        assert!(matches!(
            ServeSettings::resolve(&serve(&["--page-memory", refused]), &file),
            Err(ConfigError::PageMemory)
        ));
    }
    assert!(
        Cli::try_parse_from(["tomar", "serve", "--page-memory", "-1"]).is_err(),
        "not a number of seconds"
    );
}
