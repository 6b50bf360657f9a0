//! Group commit: many small write transactions made durable by one commit.
//!
//! On SQLite every commit waits for its own `fsync`, and only one transaction writes at a time,
//! so a crowd of shoppers checking out queues behind the disk, one sync per order. Here a single
//! writer task takes the transactions waiting, runs each inside a `SAVEPOINT` of one transaction,
//! and commits them together: one sync for the batch. A transaction that fails rolls back to its
//! savepoint, and only it; the others keep their writes. Each is answered once the batch's commit
//! is done, so an answer still means the writes are on disk (and a refusal was decided on what was
//! then committed), and if that commit fails every transaction in the batch is told so and none of
//! them is written. A caller that stops waiting
//! (a client that hangs up) does not take its transaction back: it runs and commits like one whose
//! answer was lost on the way, which is what idempotency keys are for.
//!
//! PostgreSQL already lets concurrent transactions write and share their log flushes, so there
//! each transaction simply runs on its own.

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr};
use tokio::sync::{mpsc, oneshot};

use super::write;

/// The most transactions one commit covers: a batch holds the write lock until it commits, so
/// an unbounded one would keep other writers waiting too long.
const MOST_PER_BATCH: usize = 64;
/// Transactions that may wait for the writer before callers wait to hand theirs over.
const QUEUE: usize = 1024;

/// What a transaction does, given it; its writes are kept when the outcome is `Ok`.
pub type Work<T, E> =
    Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, E>> + Send>;

/// Runs write transactions, on SQLite in batches sharing one commit. Cloning shares the writer.
#[derive(Clone)]
pub struct GroupCommit(Route);

#[derive(Clone)]
enum Route {
    Batched(mpsc::Sender<Box<dyn Job>>),
    OnItsOwn(DatabaseConnection),
}

impl GroupCommit {
    /// A writer for `db`. On SQLite it starts the writer task, which ends when the last clone is
    /// dropped, so this must be called inside the runtime.
    pub fn new(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                let (sender, jobs) = mpsc::channel(QUEUE);
                tokio::spawn(write_batches(db.clone(), jobs));
                Self(Route::Batched(sender))
            }
            _ => Self(Route::OnItsOwn(db.clone())),
        }
    }

    /// Runs `work` in a write transaction and commits it when it succeeds. `Ok` comes back only
    /// once the writes are committed; on `Err` nothing of them is kept.
    pub async fn run<T, E>(&self, work: Work<T, E>) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
    {
        match &self.0 {
            Route::OnItsOwn(db) => {
                let txn = write(db).await?;
                let outcome = work(&txn).await;
                match outcome {
                    Ok(value) => {
                        txn.commit().await?;
                        Ok(value)
                    }
                    Err(error) => {
                        txn.rollback().await?;
                        Err(error)
                    }
                }
            }
            Route::Batched(writer) => {
                let (answer, answered) = oneshot::channel();
                writer
                    .send(Box::new(Pending { work, answer }))
                    .await
                    .map_err(|_| writer_gone())?;
                answered.await.map_err(|_| writer_gone())?
            }
        }
    }
}

fn writer_gone() -> DbErr {
    DbErr::Custom("the database writer stopped before answering".into())
}

/// A transaction waiting for the writer.
trait Job: Send {
    /// Runs the work in `txn`, inside the savepoint open for it, returning what to answer.
    fn run(self: Box<Self>, txn: &DatabaseTransaction) -> BoxFuture<'_, Box<dyn Done>>;
    /// Answers with `error` without running the work.
    fn refuse(self: Box<Self>, error: DbErr);
}

/// A transaction whose work has run.
trait Done: Send {
    /// Whether its writes are to be kept.
    fn succeeded(&self) -> bool;
    /// Answers the caller: with the work's outcome, unless it succeeded and `commit` says its
    /// writes were lost.
    fn answer(self: Box<Self>, commit: Result<(), &DbErr>);
}

struct Pending<T, E> {
    work: Work<T, E>,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<T, E> Job for Pending<T, E>
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
{
    fn run(self: Box<Self>, txn: &DatabaseTransaction) -> BoxFuture<'_, Box<dyn Done>> {
        let Pending { work, answer } = *self;
        Box::pin(async move {
            let outcome = work(txn).await;
            Box::new(Ran { outcome, answer }) as Box<dyn Done>
        })
    }

    fn refuse(self: Box<Self>, error: DbErr) {
        // The caller may have stopped waiting; then there is no one to tell.
        self.answer.send(Err(error.into())).ok();
    }
}

struct Ran<T, E> {
    outcome: Result<T, E>,
    answer: oneshot::Sender<Result<T, E>>,
}

impl<T, E> Done for Ran<T, E>
where
    T: Send + 'static,
    E: From<DbErr> + Send + 'static,
{
    fn succeeded(&self) -> bool {
        self.outcome.is_ok()
    }

    fn answer(self: Box<Self>, commit: Result<(), &DbErr>) {
        let answer = match (self.outcome, commit) {
            (Ok(_), Err(error)) => {
                Err(DbErr::Custom(format!("committing the batch failed: {error}")).into())
            }
            (outcome, _) => outcome,
        };
        self.answer.send(answer).ok();
    }
}

/// The writer task: takes the transactions waiting, up to a batch, and commits them together.
async fn write_batches(db: DatabaseConnection, mut jobs: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch = Vec::with_capacity(MOST_PER_BATCH);
    while jobs.recv_many(&mut batch, MOST_PER_BATCH).await > 0 {
        // A panic outside the jobs' own work would end the task and with it every later write;
        // the batch's callers are then told the writer did not answer.
        let batched = std::panic::AssertUnwindSafe(commit_together(&db, batch.drain(..)))
            .catch_unwind()
            .await;
        if batched.is_err() {
            tracing::error!("a batch of writes panicked");
        }
    }
}

/// The savepoint each job runs in. SQLite keeps a savepoint on its stack after `ROLLBACK TO` it,
/// and ends every savepoint with the transaction's `COMMIT`, so one name serves the whole batch.
const SAVEPOINT: &str = "SAVEPOINT job";
/// Keeps a job's writes and opens the next job's savepoint: one call to the database's thread
/// instead of two.
const KEEP_AND_NEXT: &str = "RELEASE job; SAVEPOINT job";
/// Undoes a job's writes; the savepoint stays open for the next job.
const UNDO: &str = "ROLLBACK TO job";

/// Runs each job in a savepoint of one transaction, then commits and answers them. A failure of
/// the batch's own statements (a savepoint that cannot be taken, released or rolled back to, a
/// panicking job) fails every job of the batch, and nothing of it is written.
async fn commit_together(db: &DatabaseConnection, mut batch: impl Iterator<Item = Box<dyn Job>>) {
    let begun = match write(db).await {
        Ok(txn) => txn.execute_unprepared(SAVEPOINT).await.map(|_| txn),
        Err(error) => Err(error),
    };
    let txn = match begun {
        Ok(txn) => txn,
        Err(error) => {
            tracing::error!(error = %error, "starting a batch of writes failed");
            for job in batch {
                job.refuse(DbErr::Custom(format!(
                    "starting the transaction failed: {error}"
                )));
            }
            return;
        }
    };
    let mut ran: Vec<Box<dyn Done>> = Vec::new();
    let mut failure = None;
    for job in batch.by_ref() {
        match run_one(&txn, job).await {
            Ok(done) => ran.push(done),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let commit = match failure {
        Some(error) => {
            if let Err(rollback) = txn.rollback().await {
                tracing::error!(error = %rollback, "rolling back a failed batch of writes failed");
            }
            Err(error)
        }
        None => txn.commit().await,
    };
    if let Err(error) = &commit {
        tracing::error!(error = %error, "a batch of writes was not committed");
        for job in batch {
            job.refuse(DbErr::Custom(format!("the batch failed: {error}")));
        }
    }
    for done in ran {
        done.answer(commit.as_ref().map(|_| ()));
    }
}

/// Runs one job in the open savepoint of `txn`, then keeps its writes and opens the next
/// savepoint when it succeeded, or undoes them when it failed. The job is returned, to be
/// answered after the commit.
async fn run_one(txn: &DatabaseTransaction, job: Box<dyn Job>) -> Result<Box<dyn Done>, DbErr> {
    let done = std::panic::AssertUnwindSafe(job.run(txn))
        .catch_unwind()
        .await
        .map_err(|_| DbErr::Custom("a transaction of the batch panicked".into()))?;
    let ended = txn
        .execute_unprepared(if done.succeeded() {
            KEEP_AND_NEXT
        } else {
            UNDO
        })
        .await;
    match ended {
        Ok(_) => Ok(done),
        Err(error) => {
            done.answer(Err(&error));
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sea_orm::{ConnectionTrait, Database};

    use super::*;

    async fn numbers_table(dir: &tempfile::TempDir) -> DatabaseConnection {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Database::connect(url).await.unwrap();
        db.execute_unprepared("CREATE TABLE numbers (n INTEGER NOT NULL)")
            .await
            .unwrap();
        db
    }

    async fn numbers(db: &DatabaseConnection) -> BTreeSet<i64> {
        db.query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "SELECT n FROM numbers",
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<i64>("", "n").unwrap())
        .collect()
    }

    /// Inserts `n`, then succeeds when `keep`, else fails; panics instead when `n` is 99.
    fn insert(n: i64, keep: bool) -> Work<(), DbErr> {
        Box::new(move |txn| {
            Box::pin(async move {
                let inserted = txn
                    .execute_unprepared(&format!("INSERT INTO numbers VALUES ({n})"))
                    .await;
                assert!(n != 99, "a transaction that panics");
                match inserted {
                    Ok(_) if keep => Ok(()),
                    Ok(_) => Err(DbErr::Custom(format!("{n} changed its mind"))),
                    Err(error) => Err(error),
                }
            })
        })
    }

    /// Holds the writer in a first transaction until `jobs` more wait behind it, then lets it
    /// finish, so that they run as one batch; returns their outcomes in order.
    async fn as_one_batch(
        writer: &GroupCommit,
        jobs: Vec<Work<(), DbErr>>,
    ) -> Vec<Result<(), DbErr>> {
        let (started, running) = oneshot::channel::<()>();
        let (release, released) = oneshot::channel::<()>();
        let first = tokio::spawn({
            let writer = writer.clone();
            async move {
                writer
                    .run::<(), DbErr>(Box::new(move |_| {
                        Box::pin(async move {
                            started.send(()).ok();
                            released.await.ok();
                            Ok(())
                        })
                    }))
                    .await
            }
        });
        running.await.unwrap();
        let Route::Batched(sender) = &writer.0 else {
            panic!("SQLite writes in batches");
        };
        let waiting = jobs.len();
        let runs: Vec<_> = jobs
            .into_iter()
            .map(|job| {
                let writer = writer.clone();
                tokio::spawn(async move { writer.run(job).await })
            })
            .collect();
        while sender.capacity() > QUEUE - waiting {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        let mut outcomes = Vec::new();
        for run in runs {
            outcomes.push(run.await.unwrap());
        }
        outcomes
    }

    #[tokio::test]
    async fn each_transaction_of_a_batch_keeps_or_loses_only_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = numbers_table(&dir).await;
        let writer = GroupCommit::new(&db);
        let jobs = (1..=6).map(|n| insert(n, n % 2 == 0)).collect();
        let outcomes = as_one_batch(&writer, jobs).await;
        for (n, outcome) in (1..=6).zip(&outcomes) {
            assert_eq!(outcome.is_ok(), n % 2 == 0, "{n}: {outcome:?}");
        }
        assert_eq!(numbers(&db).await, BTreeSet::from([2, 4, 6]));
    }

    #[tokio::test]
    async fn a_panic_fails_its_whole_batch_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let db = numbers_table(&dir).await;
        let writer = GroupCommit::new(&db);
        let outcomes = as_one_batch(
            &writer,
            vec![insert(1, true), insert(99, true), insert(3, true)],
        )
        .await;
        assert!(outcomes.iter().all(Result::is_err), "{outcomes:?}");
        assert_eq!(numbers(&db).await, BTreeSet::new());
        writer.run(insert(4, true)).await.unwrap();
        assert_eq!(numbers(&db).await, BTreeSet::from([4]));
    }
}
