//! What the history keeps of each kind of record: the fields a person edits, as they read them.
//! Versions and timestamps are left out, as every change moves them and the event has its own
//! time.

use app::Quantity;
use app::history::{RecordType, Snapshot};
use app::ledger::Kind;

use super::Audited;
use crate::entities::{
    distribution, donation, organisation_settings, product, stock_threshold, user,
};

impl Audited for donation::Model {
    const RECORD_TYPE: RecordType = RecordType::Donation;

    fn record_id(&self) -> i64 {
        self.id.into()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("donor_name", Some(&self.donor_name))
            .field("kind", Some(&self.kind))
            .field("quantity", Some(Quantity::from_hundredths(self.quantity)))
            .field("donated_on", Some(self.donated_on))
            .field("note", self.note.as_ref())
    }
}

impl Audited for distribution::Model {
    const RECORD_TYPE: RecordType = RecordType::Distribution;

    fn record_id(&self) -> i64 {
        self.id.into()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("kind", Some(&self.kind))
            .field("quantity", Some(Quantity::from_hundredths(self.quantity)))
            .field("distributed_on", Some(self.distributed_on))
            .field("recipient", self.recipient.as_ref())
            .field("note", self.note.as_ref())
    }
}

impl Audited for product::Model {
    const RECORD_TYPE: RecordType = RecordType::Product;

    fn record_id(&self) -> i64 {
        self.id.into()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("name", Some(&self.name))
            .field("description", Some(&self.description))
            .field("price", Some(Quantity::from_hundredths(self.price_cents)))
            .field("stock", Some(self.stock))
            .field("low_stock_threshold", self.low_stock_threshold)
            .field("image_url", self.image_url.as_ref())
            .field("archived", Some(if self.archived { "yes" } else { "no" }))
    }
}

/// An account keeps its name, role and whether it is active only: the history cannot be edited,
/// so it holds no more about a person than it needs, and never a password hash.
impl Audited for user::Model {
    const RECORD_TYPE: RecordType = RecordType::User;

    fn record_id(&self) -> i64 {
        self.id.into()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("name", Some(&self.name))
            .field("role", Some(&self.role))
            .field(
                "active",
                Some(if self.deactivated_at.is_none() {
                    "yes"
                } else {
                    "no"
                }),
            )
    }
}

/// A kind's threshold is named by the kind's place in [`Kind::ALL`], counted from 1: the history
/// names records by number, and a kind keeps its place (new kinds go at the end). Whether an
/// alert is pending is the server's own bookkeeping, not a change anyone made, so it is left out.
impl Audited for stock_threshold::Model {
    const RECORD_TYPE: RecordType = RecordType::StockThreshold;

    fn record_id(&self) -> i64 {
        Kind::ALL
            .iter()
            .zip(1..)
            .find(|(kind, _)| kind.as_str() == self.kind)
            .map_or(0, |(_, place)| place)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("kind", Some(&self.kind))
            .field("threshold", Some(Quantity::from_hundredths(self.threshold)))
    }
}

impl Audited for organisation_settings::Model {
    const RECORD_TYPE: RecordType = RecordType::OrganisationSettings;

    fn record_id(&self) -> i64 {
        self.id.into()
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot::default()
            .field("name", Some(&self.name))
            .field("address", Some(&self.address))
            .field("contact_email", self.contact_email.as_ref())
            .field("charity_number", self.charity_number.as_ref())
    }
}
