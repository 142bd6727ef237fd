//! `sqlx::migrate!` embeds the migration folders when this crate compiles; a new migration
//! file must make it compile again, which cargo does not know by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
