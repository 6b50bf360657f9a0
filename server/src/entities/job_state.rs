use sea_orm::entity::prelude::*;

/// What every instance must agree on about one job: the last scheduled time claimed, so each
/// scheduled run happens once, and the lease, so only one run of the job goes at a time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "job_state")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job: String,
    pub last_scheduled_at: Option<DateTimeUtc>,
    /// The run holding the lease; it renews `lease_expires_at` while it works.
    pub lease_holder: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
