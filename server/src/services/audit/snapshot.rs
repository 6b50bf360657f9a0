//! What the history keeps of each kind of record: the fields a person edits, as they read them.
//! Versions and timestamps are left out, as every change moves them and the event has its own
//! time.

use app::Quantity;
use app::history::{RecordType, Snapshot};

use super::Audited;
use crate::entities::{distribution, donation, product, user};

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
