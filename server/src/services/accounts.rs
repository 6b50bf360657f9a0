//! Accounts and sessions.

use app::accounts::{Role, UpdateUserRequest, User, normalize_email};
use chrono::{DateTime, Duration, Utc};
use quick_cache::sync::Cache;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::clock::now;
use crate::database;
use crate::entities::{session, user};
use crate::random::{self, hex};
use crate::services::audit::{self, Actor, Event};
use crate::services::passwords::{HashError, Passwords};
use crate::services::record_id;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("user not found")]
    NotFound,
    #[error("the last active admin cannot be demoted or deactivated")]
    LastAdmin,
    #[error("the account is deactivated")]
    Deactivated,
    #[error("every password hasher is busy")]
    Busy,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<HashError> for AccountError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => AccountError::Busy,
            HashError::Failed(cause) => AccountError::Other(cause),
        }
    }
}

fn parse_role(text: &str) -> Result<Role, DbErr> {
    text.parse()
        .map_err(|_| DbErr::Type(format!("unknown role {text:?} in the database")))
}

fn to_user(model: user::Model) -> Result<User, DbErr> {
    Ok(User {
        id: model.id.into(),
        email: model.email,
        name: model.name,
        role: parse_role(&model.role)?,
        created_at: model.created_at,
        last_sign_in_at: model.last_sign_in_at,
        deactivated_at: model.deactivated_at,
    })
}

/// Creates an account; the request must already be validated. `by` is who creates it; `None`
/// when people sign up themselves, who are then the ones the history names.
pub async fn create_user(
    db: &DatabaseConnection,
    passwords: &Passwords,
    by: Option<&Actor>,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> Result<User, AccountError> {
    let password_hash = passwords.hash(password.to_owned()).await?;
    create_user_with_hash(db, by, email, name, password_hash, role).await
}

/// As [`create_user`], with the password's Argon2id hash (PHC string) already made: the test
/// fixtures hash their one password once, not for every account they create.
pub async fn create_user_with_hash(
    db: &DatabaseConnection,
    by: Option<&Actor>,
    email: &str,
    name: &str,
    password_hash: String,
    role: Role,
) -> Result<User, AccountError> {
    let now = now();
    let model = user::ActiveModel {
        email: Set(normalize_email(email)),
        name: Set(name.trim().to_owned()),
        role: Set(role.as_str().to_owned()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        updated_at: Set(now),
        last_sign_in_at: Set(None),
        deactivated_at: Set(None),
        ..Default::default()
    };
    let txn = database::write(db).await?;
    let stored = match model.insert(&txn).await {
        Ok(stored) => stored,
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AccountError::EmailTaken);
        }
        Err(error) => return Err(error.into()),
    };
    let user = to_user(stored.clone())?;
    let actor = by.cloned().unwrap_or_else(|| Actor::from(&user));
    audit::record(&txn, &actor, Event::created(&stored)).await?;
    txn.commit().await?;
    Ok(user)
}

/// The account with this email and password. An unknown email costs as much time as a wrong
/// password, so timing does not tell which accounts exist. A deactivated account is refused only
/// once its password matched, so that this does not tell which accounts exist either.
pub async fn authenticate(
    db: &DatabaseConnection,
    passwords: &Passwords,
    email: &str,
    password: &str,
) -> Result<Option<User>, AccountError> {
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(normalize_email(email)))
        .one(db)
        .await?;
    static UNKNOWN_ACCOUNT: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = match &found {
        Some(model) => model.password_hash.clone(),
        None => UNKNOWN_ACCOUNT
            .get_or_try_init(|| passwords.hash("no account has this password".to_owned()))
            .await?
            .clone(),
    };
    let matches = passwords.matches(password.to_owned(), hash).await?;
    match found {
        Some(model) if matches && model.deactivated_at.is_some() => Err(AccountError::Deactivated),
        Some(model) if matches => Ok(Some(to_user(model)?)),
        _ => Ok(None),
    }
}

pub async fn list_users(db: &DatabaseConnection) -> Result<Vec<User>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(to_user)
        .collect()
}

/// Changes an account's role, deactivates or reactivates it. The last active admin stays one,
/// so the organisation is never locked out: the update itself carries the condition that another
/// active admin remains. Deactivating ends the account's sessions in the same transaction.
pub async fn update_user(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    change: &UpdateUserRequest,
) -> Result<User, AccountError> {
    let id = record_id(id, AccountError::NotFound)?;
    let admin = Role::Admin.as_str();
    let now = now();
    let mut update = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id));
    if let Some(role) = change.role {
        update = update.col_expr(user::Column::Role, Expr::value(role.as_str()));
    }
    update = match change.active {
        Some(true) => update.col_expr(
            user::Column::DeactivatedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        ),
        // Deactivating again keeps the first moment.
        Some(false) => update.col_expr(
            user::Column::DeactivatedAt,
            Func::coalesce([Expr::col(user::Column::DeactivatedAt), Expr::value(now)]).into(),
        ),
        None => update,
    };
    if change.steps_down() {
        let another_active_admin = Query::select()
            .expr(Expr::val(1))
            .from(user::Entity)
            .and_where(user::Column::Role.eq(admin))
            .and_where(user::Column::DeactivatedAt.is_null())
            .and_where(user::Column::Id.ne(id))
            .to_owned();
        update = update.filter(
            Condition::any()
                .add(user::Column::Role.ne(admin))
                .add(user::Column::DeactivatedAt.is_not_null())
                .add(Expr::exists(another_active_admin)),
        );
    }
    let txn = database::write(db).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Under READ COMMITTED two admins stepping down at once would each see the other still
        // in place and both succeed. Locking the admin rows first makes the second wait, and its
        // update then sees the first one's change. SQLite runs one writer at a time, so there
        // the update alone is enough (and a read first could deadlock two writers).
        user::Entity::find()
            .filter(user::Column::Role.eq(admin))
            .lock_exclusive()
            .all(&txn)
            .await?;
    }
    // Touching the account first takes its lock (the write lock on SQLite), so the account read
    // next is the one this change replaces, for the history.
    let touched = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(AccountError::NotFound);
    }
    let old = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AccountError::NotFound)?;
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AccountError::LastAdmin);
    }
    if change.active == Some(false) {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
    }
    let stored = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AccountError::NotFound)?;
    let event = match (
        old.deactivated_at.is_some(),
        stored.deactivated_at.is_some(),
    ) {
        (false, true) => Event::deactivated(&old, &stored),
        (true, false) => Event::reactivated(&old, &stored),
        _ => Event::role_changed(&old, &stored),
    };
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(to_user(stored)?)
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// How long a session lasts: `idle` without use, and `max` at most however much it is used.
#[derive(Debug, Clone, Copy)]
pub struct SessionLifetime {
    pub idle: Duration,
    pub max: Duration,
}

impl SessionLifetime {
    /// When a session started at `created_at` and used at `now` expires.
    fn expiry(self, created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + self.idle).min(created_at + self.max)
    }
}

/// Starts a session for `user` and returns the token for the cookie, and the account with this
/// sign-in recorded. Every sign-in gets a new token, so a token planted before sign-in is
/// worthless after it. Sessions that have ended are deleted here, on the way, so the table holds
/// live ones only.
pub async fn start_session(
    db: &DatabaseConnection,
    mut user: User,
    lifetime: SessionLifetime,
) -> Result<(String, User), AccountError> {
    let token = random::token()?;
    let now = now();
    let user_id = record_id(user.id, AccountError::NotFound)?;
    let txn = database::write(db).await?;
    session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::CreatedAt.lte(now - lifetime.max)),
        )
        .exec(&txn)
        .await?;
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(lifetime.expiry(now, now)),
    }
    .insert(&txn)
    .await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastSignInAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    user.last_sign_in_at = Some(now);
    Ok((token, user))
}

/// The user a session token belongs to, if the session is live and the account active. Use moves the expiry forward,
/// at most once a minute to keep reads cheap, and never past the session's absolute end.
pub async fn session_user(
    db: &DatabaseConnection,
    sessions: &SessionCache,
    token: &str,
    lifetime: SessionLifetime,
) -> Result<Option<User>, DbErr> {
    let now = now();
    let hash = token_hash(token);
    let cache = &sessions.0;
    if let Some(remembered) = cache.entries.get(&hash)
        && remembered.read_at.elapsed() < cache.ttl
        && remembered.expires_at > now
    {
        return Ok(Some(remembered.user));
    }
    let changes_before = *cache.changes();
    let read_at = Instant::now();
    // One query for both, as every signed-in request asks it.
    let Some((live, Some(account))) = session::Entity::find_by_id(hash.clone())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::CreatedAt.gt(now - lifetime.max))
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if account.deactivated_at.is_some() {
        return Ok(None);
    }
    let mut expires_at = live.expires_at;
    let extended = lifetime.expiry(live.created_at, now);
    if extended - live.expires_at > Duration::minutes(1) {
        session::Entity::update_many()
            .col_expr(session::Column::ExpiresAt, Expr::value(extended))
            .filter(session::Column::TokenHash.eq(hash.clone()))
            .exec(db)
            .await?;
        expires_at = extended;
    }
    let user = to_user(account)?;
    // A sign-out or an account change that finished while this read ran may have made it stale.
    // The count stays locked until the entry is in, so none can come between.
    let changes = cache.changes();
    if !cache.ttl.is_zero() && *changes == changes_before {
        let remembered = RememberedSession {
            user: user.clone(),
            expires_at,
            read_at,
        };
        cache.entries.insert(hash, remembered);
    }
    Ok(Some(user))
}

/// Signed-in users remembered by session for `ttl`, so that a browser's or a script's requests
/// in quick succession read the session once rather than each time. A sign-out or an account
/// change through this instance is seen here at once; another instance sharing the database sees
/// it within `ttl`. A zero `ttl` reads every time.
#[derive(Clone)]
pub struct SessionCache(Arc<SessionCacheInner>);

struct SessionCacheInner {
    ttl: std::time::Duration,
    entries: Cache<String, RememberedSession>,
    /// Counts sign-outs and account changes, so that a read that raced one does not put back
    /// what it removed.
    changes: Mutex<u64>,
}

impl SessionCacheInner {
    fn changes(&self) -> MutexGuard<'_, u64> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Clone)]
struct RememberedSession {
    user: User,
    expires_at: DateTime<Utc>,
    read_at: Instant,
}

/// Sessions remembered at most; the cache evicts the least used beyond.
const CACHED_SESSIONS: usize = 10_000;

impl SessionCache {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self(Arc::new(SessionCacheInner {
            ttl,
            entries: Cache::new(CACHED_SESSIONS),
            changes: Mutex::new(0),
        }))
    }

    /// Forgets the sessions of the account `user_id`, whose change has just been committed.
    pub fn forget_user(&self, user_id: i64) {
        let mut changes = self.0.changes();
        *changes += 1;
        self.0
            .entries
            .retain(|_, remembered| remembered.user.id != user_id);
    }

    fn forget_session(&self, hash: &str) {
        let mut changes = self.0.changes();
        *changes += 1;
        self.0.entries.remove(hash);
    }
}

/// Ends a session, so its cookie no longer works anywhere.
pub async fn end_session(
    db: &DatabaseConnection,
    sessions: &SessionCache,
    token: &str,
) -> Result<(), DbErr> {
    let hash = token_hash(token);
    session::Entity::delete_by_id(hash.clone()).exec(db).await?;
    sessions.forget_session(&hash);
    Ok(())
}

/// Whether any account exists (the demo data only adds accounts to an empty database).
pub async fn has_users(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(user::Entity::find().count(db).await? > 0)
}
