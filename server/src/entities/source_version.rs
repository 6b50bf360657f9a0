use sea_orm::entity::prelude::*;

/// The version of a fetched source last used successfully: what the server sent to recognise it
/// again (validators for a conditional request) and the content's hash and size.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "source_versions")]
pub struct Model {
    /// e.g. `covid/nyt` or the object path a mirrored file is stored under.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The BLAKE3 digest of the content, in hexadecimal. A version recorded before the digest
    /// changed from SHA-256 holds a SHA-256 digest, which no download matches: that source is
    /// loaded once more on its next run.
    pub content_hash: String,
    pub size: i64,
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
