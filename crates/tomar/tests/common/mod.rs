//! `TestApp`: Tomar started exactly as `tomar serve` starts it, on a free port, over a
//! throw-away database, with the demo content or without.

#![allow(dead_code)] // each test file uses its own part of this

use std::net::SocketAddr;

use tomar::startup::Application;
use tomar_store::testing::{TempPostgres, TempSqlite, postgres_server};
use tomar_store::{DatabaseUrl, Store};

pub enum Backend {
    Sqlite,
    Postgres,
}

/// Keeps the database alive as long as the app.
enum Database {
    Sqlite(TempSqlite),
    Postgres(TempPostgres),
}

pub struct TestApp {
    pub base: String,
    /// A second handle on the app's database, for arranging what a test needs.
    pub store: Store,
    database: Option<Database>,
}

impl TestApp {
    /// On SQLite, with the demo content.
    pub async fn demo() -> TestApp {
        Self::spawn(Backend::Sqlite, true)
            .await
            .expect("SQLite is always there")
    }

    /// `None` when the backend is PostgreSQL and no test server is configured.
    pub async fn spawn(backend: Backend, with_demo: bool) -> Option<TestApp> {
        let (url, database) = match backend {
            Backend::Sqlite => {
                let temp = TempSqlite::new().await;
                (temp.url.clone(), Database::Sqlite(temp))
            }
            Backend::Postgres => {
                let temp = TempPostgres::create(&postgres_server()?).await;
                (temp.url.clone(), Database::Postgres(temp))
            }
        };
        let url = DatabaseUrl::parse(&url).unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let app = Application::build(&url, addr, with_demo)
            .await
            .expect("start Tomar");
        let base = format!("http://{}", app.addr());
        tokio::spawn(app.run_until_stopped());
        let store = Store::connect(&url).await.unwrap();
        Some(TestApp {
            base,
            store,
            database: Some(database),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A first-time visitor: no cookies yet, no language preference.
    pub fn visitor(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.visitor().get(self.url(path)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// Drops a PostgreSQL test database; SQLite files go with the app.
    pub async fn finish(mut self) {
        if let Some(Database::Postgres(database)) = self.database.take() {
            if let Store::Postgres(pg) = &self.store {
                pg.close().await;
            }
            database.drop_database().await;
        }
    }
}
