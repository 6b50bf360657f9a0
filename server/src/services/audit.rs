//! The history of changes. Each write records its event with [`record`] inside its own
//! transaction, so the change and its event commit together or not at all; nothing here changes
//! or removes an event once written.

mod snapshot;

use app::accounts::User;
use app::history::{Action, HistoryEvent, HistoryFilter, HistoryPerson, RecordType, Snapshot};
use app::paging::{Page, Paging};
use futures_util::{Stream, TryStreamExt, future};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::{fetch_page, in_chunks, within_days};
use crate::clock::now;
use crate::entities::audit_event;

/// Who makes a change: an account, or the server itself (a command, the demo data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    id: Option<i32>,
    name: String,
}

impl Actor {
    /// The server acting on its own, under a name that says how, such as "command line".
    pub fn system(name: &str) -> Self {
        Self {
            id: None,
            name: name.to_owned(),
        }
    }
}

impl From<&User> for Actor {
    fn from(user: &User) -> Self {
        Self {
            // Ids come from 32-bit columns, so a signed-in user's always fits.
            id: i32::try_from(user.id).ok(),
            name: user.name.clone(),
        }
    }
}

/// A record whose changes the history keeps.
pub trait Audited {
    const RECORD_TYPE: RecordType;
    fn record_id(&self) -> i64;
    /// The fields people read in the history; never secrets such as password hashes.
    fn snapshot(&self) -> Snapshot;
}

/// One change to one record, for [`record`].
pub struct Event<'a, R> {
    action: Action,
    before: Option<&'a R>,
    after: Option<&'a R>,
}

impl<'a, R: Audited> Event<'a, R> {
    pub fn created(after: &'a R) -> Self {
        Self::changed(Action::Created, None, Some(after))
    }

    pub fn updated(before: &'a R, after: &'a R) -> Self {
        Self::changed(Action::Updated, Some(before), Some(after))
    }

    pub fn deleted(before: &'a R) -> Self {
        Self::changed(Action::Deleted, Some(before), None)
    }

    /// Taken out of use but kept, as a product that was ordered.
    pub fn archived(before: &'a R, after: &'a R) -> Self {
        Self::changed(Action::Archived, Some(before), Some(after))
    }

    pub fn role_changed(before: &'a R, after: &'a R) -> Self {
        Self::changed(Action::RoleChanged, Some(before), Some(after))
    }

    pub fn deactivated(before: &'a R, after: &'a R) -> Self {
        Self::changed(Action::Deactivated, Some(before), Some(after))
    }

    pub fn reactivated(before: &'a R, after: &'a R) -> Self {
        Self::changed(Action::Reactivated, Some(before), Some(after))
    }

    fn changed(action: Action, before: Option<&'a R>, after: Option<&'a R>) -> Self {
        Self {
            action,
            before,
            after,
        }
    }
}

fn to_json(snapshot: Option<Snapshot>) -> Result<Option<String>, DbErr> {
    snapshot
        .map(|snapshot| {
            serde_json::to_string(&snapshot)
                .map_err(|error| DbErr::Custom(format!("writing a snapshot as JSON: {error}")))
        })
        .transpose()
}

/// Adds `event` to the history, in the transaction `db` of the change itself. A change that
/// leaves every field as it was (a form saved unchanged) is no event and adds nothing.
pub async fn record<R: Audited>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    event: Event<'_, R>,
) -> Result<(), DbErr> {
    if let Some(model) = to_model(actor, event)? {
        model.insert(db).await?;
    }
    Ok(())
}

/// Adds every one of `events` to the history, as [`record`] does, a few hundred rows a statement:
/// for writes of many records at once, such as an import.
pub async fn record_all<'a, R: Audited + 'a>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    events: impl IntoIterator<Item = Event<'a, R>>,
) -> Result<(), DbErr> {
    // Eight columns a row keep each statement well under SQLite's 32,766 parameters.
    const ROWS_PER_STATEMENT: usize = 500;
    let mut models = Vec::new();
    for event in events {
        models.extend(to_model(actor, event)?);
    }
    for chunk in models.chunks(ROWS_PER_STATEMENT) {
        audit_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The row `event` adds to the history, or none for a change that changed nothing.
fn to_model<R: Audited>(
    actor: &Actor,
    event: Event<'_, R>,
) -> Result<Option<audit_event::ActiveModel>, DbErr> {
    let Some(record_id) = event.after.or(event.before).map(Audited::record_id) else {
        return Ok(None);
    };
    let before = event.before.map(Audited::snapshot);
    let after = event.after.map(Audited::snapshot);
    if before.is_some() && before == after {
        return Ok(None);
    }
    Ok(Some(audit_event::ActiveModel {
        occurred_at: Set(now()),
        actor_id: Set(actor.id),
        actor_name: Set(actor.name.clone()),
        record_type: Set(R::RECORD_TYPE.as_str().to_owned()),
        record_id: Set(record_id),
        action: Set(event.action.as_str().to_owned()),
        before: Set(to_json(before)?),
        after: Set(to_json(after)?),
        ..Default::default()
    }))
}

fn from_json(text: Option<String>) -> Result<Option<Snapshot>, DbErr> {
    text.map(|text| {
        serde_json::from_str(&text).map_err(|error| {
            DbErr::Type(format!(
                "a snapshot in the history is not readable: {error}"
            ))
        })
    })
    .transpose()
}

fn to_event(model: audit_event::Model) -> Result<HistoryEvent, DbErr> {
    let unknown =
        |what: &str, text: &str| DbErr::Type(format!("unknown {what} {text:?} in the history"));
    Ok(HistoryEvent {
        id: model.id,
        occurred_at: model.occurred_at,
        actor_id: model.actor_id.map(i64::from),
        actor_name: model.actor_name,
        record_type: RecordType::try_from(model.record_type.clone())
            .map_err(|_| unknown("record type", &model.record_type))?,
        record_id: model.record_id,
        action: Action::try_from(model.action.clone())
            .map_err(|_| unknown("action", &model.action))?,
        before: from_json(model.before)?,
        after: from_json(model.after)?,
    })
}

fn condition(filter: &HistoryFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(actor) = filter.actor {
        condition = condition.add(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(record_type) = filter.record_type {
        condition = condition.add(audit_event::Column::RecordType.eq(record_type.as_str()));
    }
    if let Some(record_id) = filter.record_id {
        condition = condition.add(audit_event::Column::RecordId.eq(record_id));
    }
    condition.add(within_days(
        audit_event::Column::OccurredAt,
        filter.from,
        filter.to,
    ))
}

/// The events `filter` matches, newest first unless it asks for the oldest. Ids follow the order
/// events were written, so they order the history even where two clocks disagree.
fn events(filter: &HistoryFilter) -> Select<audit_event::Entity> {
    let select = audit_event::Entity::find().filter(condition(filter));
    if filter.newest_first() {
        select.order_by_desc(audit_event::Column::Id)
    } else {
        select.order_by_asc(audit_event::Column::Id)
    }
}

/// One page of the events `filter` matches.
pub async fn list(
    db: &DatabaseConnection,
    filter: &HistoryFilter,
    paging: Paging,
) -> Result<Page<HistoryEvent>, DbErr> {
    let (rows, total) = fetch_page(db, events(filter), paging).await?;
    let items = rows.into_iter().map(to_event).collect::<Result<_, _>>()?;
    Ok(Page::new(items, total, paging))
}

/// Every event `filter` matches, in its order: for the CSV file.
pub fn export(
    db: DatabaseConnection,
    filter: &HistoryFilter,
) -> impl Stream<Item = Result<Vec<HistoryEvent>, DbErr>> + Send + 'static {
    in_chunks(db, events(filter))
        .and_then(|rows| future::ready(rows.into_iter().map(to_event).collect()))
}

/// The accounts that made changes, by name, each under the name of their latest change.
pub async fn people(db: &DatabaseConnection) -> Result<Vec<HistoryPerson>, DbErr> {
    let latest: Vec<i64> = audit_event::Entity::find()
        .select_only()
        .column_as(audit_event::Column::Id.max(), "latest")
        .filter(audit_event::Column::ActorId.is_not_null())
        .group_by(audit_event::Column::ActorId)
        .into_tuple()
        .all(db)
        .await?;
    let mut people: Vec<HistoryPerson> = audit_event::Entity::find()
        .filter(audit_event::Column::Id.is_in(latest))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|event| {
            Some(HistoryPerson {
                id: event.actor_id?.into(),
                name: event.actor_name,
            })
        })
        .collect();
    people.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(people)
}
