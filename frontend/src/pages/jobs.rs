//! The scheduled data jobs: when they run, how their last run went, and starting one now.

use std::time::Duration;

use app::accounts::Role;
use app::jobs::{FileCounts, Job, JobRun, RunStatus, RunsQuery};
use app::routes;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::confirm::ConfirmButton;
use crate::components::loaded::{LoadStatus, Loadable, Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::Submit;
use crate::local_time;

/// How long to wait before asking again while a run is going.
const POLL: Duration = Duration::from_secs(1);
const RECENT_RUNS: u64 = 10;

type JobList = Loadable<Result<Vec<Job>, ApiError>>;

#[component]
pub fn Jobs() -> impl IntoView {
    let jobs: JobList = resource(api::jobs::jobs);
    // Ask again while a run is going, so that its end shows without a reload.
    Effect::new(move || {
        let running = jobs
            .get()
            .is_some_and(|result| result.is_ok_and(|list| list.iter().any(is_running)));
        if running && let Ok(handle) = set_timeout_with_handle(move || jobs.refetch(), POLL) {
            on_cleanup(move || handle.clear());
        }
    });
    let list = Memo::new(move |_| jobs.get().and_then(Result::ok).unwrap_or_default());
    // Rows are keyed by job name and read their job from `list`, rather than rendered again inside
    // a <Transition> on every poll, so that an open history or a run's outcome stays put.
    view! {
        <PageIntro path=routes::JOBS />
        <LoadStatus resource=jobs loading="Loading jobs…" empty=|| "No jobs." />
        <Show when=move || list.with(|list| !list.is_empty())>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Jobs">
                <table class="jobs stack" aria-label="Jobs">
                    <thead>
                        <tr>
                            <th>"Job"</th><th>"Description"</th><th>"Schedule"</th><th class="date">"Next run"</th><th>"Last run"</th>
                            <th><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <For each=move || list.get() key=|job| job.name.clone() let:job>
                        <JobRows initial=job list jobs />
                    </For>
                </table>
            </div>
        </Show>
    }
}

fn is_running(job: &Job) -> bool {
    job.last_run
        .as_ref()
        .is_some_and(|run| run.status == RunStatus::Running)
}

/// One job's row, and below it, when opened, its recent runs.
#[component]
fn JobRows(initial: Job, list: Memo<Vec<Job>>, jobs: JobList) -> impl IntoView {
    let auth = use_auth();
    let name = initial.name.clone();
    let job = Memo::new(move |_| {
        list.with(|list| list.iter().find(|job| job.name == initial.name).cloned())
            .unwrap_or_else(|| initial.clone())
    });
    let last_run =
        Memo::new(move |_| job.with(|job| job.last_run.as_ref().map(|run| (run.id, run.status))));
    let open = RwSignal::new(false);
    let run = Submit::new(
        {
            let name = name.clone();
            move |()| {
                let name = name.clone();
                async move {
                    let started = api::jobs::run(&name).await;
                    jobs.refetch();
                    started
                }
            }
        },
        |_| Some("Started".to_owned()),
    );
    let details_id = format!("job-{name}-runs");
    let (run_label, run_question) = (format!("Run now: {name}"), format!("Run {name} now?"));
    view! {
        <tbody>
            <tr>
                {move || job.with(|job| view! {
                    <td class="job-name"><strong>{job.name.clone()}</strong></td>
                    <td data-label="Description">{job.description.clone()}</td>
                    <td class="date" data-label="Schedule">{job.schedule.clone().map_or_else(
                        || view! { <span class="muted">"on demand"</span> }.into_any(),
                        |cron| view! { <code>{cron}</code>" UTC" }.into_any(),
                    )}</td>
                    <td class="date" data-label="Next run">{job.next_run_at.map_or_else(|| "—".to_owned(), local_time)}</td>
                    <td data-label="Last run">{last_run_summary(job.last_run.as_ref())}</td>
                })}
                <td class="job-actions">
                    <div class="actions">
                        <button type="button" class="secondary small" aria-expanded=move || open.get().to_string()
                            aria-controls=details_id.clone() on:click=move |_| open.update(|open| *open = !*open)>
                            "Recent runs"
                        </button>
                        <Show when=move || auth.allows(Role::Admin)>
                            <ConfirmButton label="Run now" class="small" pending=run.pending()
                                name=run_label.clone() question=run_question.clone()
                                on_confirm=move || run.dispatch(()) />
                        </Show>
                    </div>
                    <SubmitResult result=run.result() />
                </td>
            </tr>
            <tr class="details" id=details_id hidden=move || !open.get()>
                <td colspan="6">
                    <Show when=move || open.get()>
                        <RecentRuns name=name.clone() last_run />
                    </Show>
                </td>
            </tr>
        </tbody>
    }
}

/// Status, start, counts and message of a job's last run.
fn last_run_summary(run: Option<&JobRun>) -> AnyView {
    let Some(run) = run else {
        return view! { <span class="muted">"never"</span> }.into_any();
    };
    view! {
        <div class="nowrap">
            <StatusBadge status=run.status />" "
            <span class="small">{local_time(run.started_at)}</span>
        </div>
        <div class="small">{rows_changed(run)}</div>
        {run.files.map(|files| view! { <div class="small muted">{files_compared(files)}</div> })}
        {(!run.message.is_empty()).then(|| view! { <div class="small">{run.message.clone()}</div> })}
    }
    .into_any()
}

#[component]
fn StatusBadge(status: RunStatus) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.as_str()}</span> }
}

fn rows_changed(run: &JobRun) -> String {
    format!(
        "{} inserted · {} updated",
        run.rows_inserted, run.rows_updated
    )
}

fn files_compared(files: FileCounts) -> String {
    format!(
        "Files: {} added, {} updated, {} deleted, {} unchanged",
        files.added, files.updated, files.deleted, files.unchanged
    )
}

/// The job's latest runs, loaded again whenever its last run changes.
#[component]
fn RecentRuns(name: String, last_run: Memo<Option<(i64, RunStatus)>>) -> impl IntoView {
    let label = format!("Recent runs of {name}");
    let runs = resource(move || {
        last_run.track();
        let name = name.clone();
        async move { api::jobs::runs(&name, &RunsQuery { limit: RECENT_RUNS }).await }
    });
    view! {
        <Loaded resource=runs loading="Loading runs…" empty=|| "No runs yet." let:runs>
            <table aria-label=label.clone()>
                <thead>
                    <tr>
                        <th class="date">"Started"</th><th class="date">"Finished"</th><th>"Trigger"</th><th>"Status"</th>
                        <th class="num">"Inserted"</th><th class="num">"Updated"</th><th>"Message"</th>
                    </tr>
                </thead>
                <tbody>
                    {runs.into_iter().map(|run| view! {
                        <tr>
                            <td class="date">{local_time(run.started_at)}</td>
                            <td class="date">{run.finished_at.map_or_else(|| "—".to_owned(), local_time)}</td>
                            <td>{run.trigger}</td>
                            <td><StatusBadge status=run.status /></td>
                            <td class="num">{run.rows_inserted}</td>
                            <td class="num">{run.rows_updated}</td>
                            <td>
                                {run.message}
                                {run.files.map(|files| view! { <div class="small muted">{files_compared(files)}</div> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Loaded>
    }
}
