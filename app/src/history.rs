//! The history of changes: who changed which record, when, in what way, and the record's values
//! before and after.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::check_range;
use crate::error::{Checker, FieldErrors};
use crate::paging::{self, PageQuery};
use crate::sorting::{Sort, SortKey};
use crate::text::one_of;

/// The kinds of record whose changes are kept.
// The database stores the name as text, so a new kind is a new variant here and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum RecordType {
    Donation,
    Distribution,
    Product,
    /// An account.
    User,
    /// The low-stock threshold of one kind of the ledger.
    StockThreshold,
    /// The organisation's details on the Settings page.
    OrganisationSettings,
}

impl RecordType {
    pub const ALL: [RecordType; 6] = [
        RecordType::Donation,
        RecordType::Distribution,
        RecordType::Product,
        RecordType::User,
        RecordType::StockThreshold,
        RecordType::OrganisationSettings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Donation => "donation",
            RecordType::Distribution => "distribution",
            RecordType::Product => "product",
            RecordType::User => "user",
            RecordType::StockThreshold => "stock_threshold",
            RecordType::OrganisationSettings => "organisation_settings",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordType::Donation => "Donation",
            RecordType::Distribution => "Distribution",
            RecordType::Product => "Product",
            RecordType::User => "Account",
            RecordType::StockThreshold => "Stock threshold",
            RecordType::OrganisationSettings => "Organisation settings",
        }
    }
}

impl TryFrom<String> for RecordType {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        one_of(&RecordType::ALL, RecordType::as_str, &text)
    }
}

/// What happened to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Action {
    Created,
    Updated,
    Deleted,
    /// Taken out of use but kept, as a product that was ordered is when it is deleted.
    Archived,
    RoleChanged,
    /// An account was switched off; it keeps its history.
    Deactivated,
    /// An account was switched on again.
    Reactivated,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Created,
        Action::Updated,
        Action::Deleted,
        Action::Archived,
        Action::RoleChanged,
        Action::Deactivated,
        Action::Reactivated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
            Action::Archived => "archived",
            Action::RoleChanged => "role_changed",
            Action::Deactivated => "deactivated",
            Action::Reactivated => "reactivated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Created => "Created",
            Action::Updated => "Updated",
            Action::Deleted => "Deleted",
            Action::Archived => "Archived",
            Action::RoleChanged => "Role changed",
            Action::Deactivated => "Deactivated",
            Action::Reactivated => "Reactivated",
        }
    }
}

impl TryFrom<String> for Action {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        one_of(&Action::ALL, Action::as_str, &text)
    }
}

/// A record's fields as text, in the record's own order; `None` for an empty field. On the wire
/// it is a JSON object, whose keys keep that order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot(pub Vec<(String, Option<String>)>);

impl Snapshot {
    /// Adds a field; `value` is written as it displays.
    #[must_use]
    pub fn field(mut self, name: &str, value: Option<impl fmt::Display>) -> Self {
        self.0
            .push((name.to_owned(), value.map(|value| value.to_string())));
        self
    }

    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_deref())
    }
}

impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = Snapshot;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of text or null values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Snapshot, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(Snapshot(fields))
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Snapshot {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, SchemaType, Type};
        let value =
            ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
            .description(Some(
                "The record's fields as text, in the record's order; `null` for an empty field.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Snapshot {}

/// One change to one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEvent {
    pub id: i64,
    #[serde(with = "crate::date::timestamp")]
    pub occurred_at: DateTime<Utc>,
    /// The account that made the change; `null` for the server itself (a command, the demo data).
    pub actor_id: Option<i64>,
    /// The name the actor had at the time.
    pub actor_name: String,
    pub record_type: RecordType,
    pub record_id: i64,
    pub action: Action,
    /// The record before the change; `null` when it was created.
    pub before: Option<Snapshot>,
    /// The record after the change; `null` when it was deleted.
    pub after: Option<Snapshot>,
}

/// One field of a change, for showing it: its values before and after, and whether they differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub changed: bool,
}

impl HistoryEvent {
    /// Every field of the record, in its order, with what the change did to it. A field the record
    /// gained or lost counts as changed.
    pub fn changes(&self) -> Vec<FieldChange> {
        let empty = Snapshot::default();
        let before = self.before.as_ref().unwrap_or(&empty);
        let after = self.after.as_ref().unwrap_or(&empty);
        let names = after.0.iter().chain(&before.0).map(|(name, _)| name);
        let mut seen: Vec<&String> = Vec::new();
        let mut changes = Vec::new();
        for name in names {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let (was, is) = (before.get(name), after.get(name));
            changes.push(FieldChange {
                field: name.clone(),
                before: was.flatten().map(str::to_owned),
                after: is.flatten().map(str::to_owned),
                changed: self.before.is_some() && self.after.is_some() && was != is,
            });
        }
        changes
    }
}

/// A field's name as people read it: `donor_name` is "Donor name". Field names are ASCII.
pub fn field_label(field: &str) -> String {
    let mut label = field.replace('_', " ");
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

/// Someone who appears in the history, for choosing whose changes to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPerson {
    pub id: i64,
    /// The name of their latest change.
    pub name: String,
}

/// The one column the history sorts by: when the change was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryColumn {
    Time,
}

impl SortKey for HistoryColumn {
    const KEYS: &'static [(Self, &'static str)] = &[(HistoryColumn::Time, "time")];
}

/// Which changes to list or export, and in which order. Dates are UTC days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HistoryFilter {
    /// Only changes by the account with this id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub actor: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub record_type: Option<RecordType>,
    /// Only changes to the record with this id; needs `record_type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1))]
    pub record_id: Option<i64>,
    /// Only changes made on or after this day.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub from: Option<NaiveDate>,
    /// Only changes made on or before this day; not before `from`.
    #[serde(
        default,
        with = "crate::date::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub to: Option<NaiveDate>,
    /// `-time` (the default) for the newest change first, `time` for the oldest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<String>, pattern = r"^-?time$")
    )]
    pub sort: Option<Sort<HistoryColumn>>,
}

impl HistoryFilter {
    /// Whether the newest change comes first, as it does unless `sort=time` asks otherwise.
    pub fn newest_first(&self) -> bool {
        self.sort.is_none_or(|sort| sort.descending)
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        self.check(&mut checker);
        checker.finish()
    }

    /// Checks the filter and the page of a history list together, so every bad field is named.
    pub fn validate_page(&self, page: &PageQuery) -> Result<(), FieldErrors> {
        let mut checker = Checker::default();
        self.check(&mut checker);
        paging::check(&mut checker, page.page, page.per_page);
        checker.finish()
    }

    fn check(&self, checker: &mut Checker) {
        checker.check(
            self.actor.is_none_or(|id| id >= 1),
            "actor",
            "must be an account's id, 1 or more",
        );
        checker.check(
            self.record_id.is_none_or(|id| id >= 1),
            "record_id",
            "must be a record's id, 1 or more",
        );
        checker.check(
            self.record_id.is_none() || self.record_type.is_some(),
            "record_type",
            "is required with record_id",
        );
        check_range(checker, self.from, self.to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(fields: &[(&str, Option<&str>)]) -> Snapshot {
        fields
            .iter()
            .fold(Snapshot::default(), |snapshot, (name, value)| {
                snapshot.field(name, *value)
            })
    }

    fn event(before: Option<Snapshot>, after: Option<Snapshot>) -> HistoryEvent {
        HistoryEvent {
            id: 1,
            occurred_at: DateTime::default(),
            actor_id: Some(2),
            actor_name: "Sam".to_owned(),
            record_type: RecordType::Donation,
            record_id: 3,
            action: Action::Updated,
            before,
            after,
        }
    }

    #[test]
    fn a_snapshot_keeps_its_field_order_on_the_wire() {
        let fields = snapshot(&[
            ("quantity", Some("3.00")),
            ("donor_name", Some("Ada")),
            ("note", None),
        ]);
        let text = serde_json::to_string(&fields).unwrap();
        assert_eq!(
            text,
            r#"{"quantity":"3.00","donor_name":"Ada","note":null}"#
        );
        assert_eq!(serde_json::from_str::<Snapshot>(&text).unwrap(), fields);
    }

    #[test]
    fn an_update_marks_the_fields_whose_values_differ() {
        let before = snapshot(&[
            ("quantity", Some("3.00")),
            ("note", None),
            ("kind", Some("food")),
        ]);
        let after = snapshot(&[
            ("quantity", Some("5.00")),
            ("note", Some("recounted")),
            ("kind", Some("food")),
        ]);
        let changes = event(Some(before), Some(after)).changes();
        let marked: Vec<(&str, bool)> = changes
            .iter()
            .map(|change| (change.field.as_str(), change.changed))
            .collect();
        assert_eq!(
            marked,
            [("quantity", true), ("note", true), ("kind", false)]
        );
        assert_eq!(changes[1].before, None);
        assert_eq!(changes[1].after.as_deref(), Some("recounted"));
    }

    #[test]
    fn a_field_only_one_side_has_is_listed_once_and_changed() {
        let before = snapshot(&[("name", Some("Mug")), ("old", Some("x"))]);
        let after = snapshot(&[("name", Some("Mug")), ("new", Some("y"))]);
        let fields: Vec<(String, bool)> = event(Some(before), Some(after))
            .changes()
            .into_iter()
            .map(|change| (change.field, change.changed))
            .collect();
        assert_eq!(
            fields,
            [
                ("name".to_owned(), false),
                ("new".to_owned(), true),
                ("old".to_owned(), true)
            ]
        );
    }

    #[test]
    fn a_creation_lists_the_new_values_unmarked() {
        let changes = event(None, Some(snapshot(&[("name", Some("Mug"))]))).changes();
        assert_eq!(
            changes,
            [FieldChange {
                field: "name".to_owned(),
                before: None,
                after: Some("Mug".to_owned()),
                changed: false,
            }]
        );
    }

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(field_label("donor_name"), "Donor name");
        assert_eq!(field_label("kind"), "Kind");
        assert_eq!(field_label(""), "");
    }

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_choices() {
        for record_type in RecordType::ALL {
            assert_eq!(
                RecordType::try_from(record_type.as_str().to_owned()),
                Ok(record_type)
            );
        }
        for action in Action::ALL {
            assert_eq!(Action::try_from(action.as_str().to_owned()), Ok(action));
        }
        assert_eq!(
            RecordType::try_from("order".to_owned()).unwrap_err(),
            "must be one of donation, distribution, product, user, stock_threshold, organisation_settings"
        );
    }

    #[test]
    fn a_record_id_needs_its_type_and_dates_their_order() {
        let filter = HistoryFilter {
            actor: Some(0),
            record_id: Some(4),
            from: NaiveDate::from_ymd_opt(2026, 3, 2),
            to: NaiveDate::from_ymd_opt(2026, 3, 1),
            ..HistoryFilter::default()
        };
        let errors = filter.validate().unwrap_err();
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            ["actor", "record_type", "to"]
        );
        let fine = HistoryFilter {
            record_type: Some(RecordType::Product),
            record_id: Some(4),
            ..HistoryFilter::default()
        };
        assert_eq!(fine.validate(), Ok(()));
    }
}
