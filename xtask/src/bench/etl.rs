//! The covid-etl row: `server job run covid-etl` on NYT and JHU files many times the length of
//! the real ones, beside pandas doing the same fetch, join and load into SQLite
//! (`xtask/anchors/covid_etl.py`). The files are made up here in the sources' formats: each copy
//! is the real files' span of days shifted past the one before, so every date stays unique and
//! each copy joins the same number of days. A small HTTP server in this process serves them to
//! both. Both sides run under `xtask/anchors/measure.py`, which reports wall time, CPU time and
//! the peak resident memory the kernel counted. The CPU time row is there because on a shared
//! machine the wall time also measures the neighbours.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{Row, Target};
use crate::{step, tools};

/// The NYT file's days (2020-01-21 .. 2022-04-19): each copy starts this many days later.
const NYT_DAYS: i64 = 820;
/// 2020-01-21 in days since 1970-01-01.
const NYT_FIRST_DAY: i64 = 18_282;
/// The JHU file's days (2020-01-22 .. 2020-10-11), one day after NYT's first.
const JHU_DAYS: i64 = 264;
/// JHU's Canadian rows: provinces only, no national row.
const CANADA: [(&str, &str, &str); 14] = [
    ("Alberta", "53.9333", "-116.5765"),
    ("British Columbia", "53.7267", "-127.6476"),
    ("Diamond Princess", "0.0", "0.0"),
    ("Grand Princess", "0.0", "0.0"),
    ("Manitoba", "53.7609", "-98.8139"),
    ("New Brunswick", "46.5653", "-66.4619"),
    ("Newfoundland and Labrador", "53.1355", "-57.6604"),
    ("Northwest Territories", "64.8255", "-124.8457"),
    ("Nova Scotia", "44.682", "-63.7443"),
    ("Nunavut", "70.2998", "-83.1076"),
    ("Ontario", "51.2538", "-85.3232"),
    ("Prince Edward Island", "46.5107", "-63.4168"),
    ("Quebec", "52.9399", "-73.5491"),
    ("Saskatchewan", "52.9399", "-106.4509"),
];
/// JHU's French rows: the mainland (no province) and overseas territories.
const FRANCE: [(&str, &str, &str); 11] = [
    ("", "46.2276", "2.2137"),
    ("French Guiana", "3.9339", "-53.1258"),
    ("French Polynesia", "-17.6797", "149.4068"),
    ("Guadeloupe", "16.265", "-61.551"),
    ("Martinique", "14.6415", "-61.0242"),
    ("Mayotte", "-12.8275", "45.166"),
    ("New Caledonia", "-20.9043", "165.618"),
    ("Reunion", "-21.1151", "55.5364"),
    ("Saint Barthelemy", "17.9", "-62.8333"),
    ("Saint Pierre and Miquelon", "46.8852", "-56.3159"),
    ("St Martin", "18.0708", "-63.0501"),
];

/// One side's run: wall time, CPU time and peak resident memory.
struct Measured {
    seconds: f64,
    cpu_seconds: f64,
    megabytes: f64,
}

/// Installs pandas (once, at a pinned version, so that the anchor does not move with a new
/// release) and returns the path of the Python that imports it.
pub fn ensure_pandas(target_dir: &Path) -> Result<PathBuf> {
    tools::ensure_pypi_module(
        target_dir,
        "pandas==3.1.1",
        "pandas",
        "pandas, the covid-etl anchor",
    )
}

/// The three rows (wall time, CPU time and memory) for `copies` copies of each file, `runs` runs a side (the
/// median of each figure counts).
pub fn rows(server: &Path, scratch: &Path, copies: i64, runs: usize) -> Result<[Row; 3]> {
    step(&format!(
        "covid-etl vs pandas: generating the NYT and JHU files x{copies}"
    ));
    let folder = scratch.join("covid");
    std::fs::create_dir_all(&folder)?;
    write_nyt(&folder.join("nyt.csv"), copies)?;
    write_jhu(&folder.join("jhu.csv"), copies)?;
    let joined = copies * JHU_DAYS;
    let port = serve(folder.clone())?;
    let url = |name: &str| format!("http://127.0.0.1:{port}/{name}");
    let python = ensure_pandas(&crate::target_dir()?)?;
    let anchors = Path::new(env!("CARGO_MANIFEST_DIR")).join("anchors");
    let measure = anchors.join("measure.py");

    let mut ours = Vec::new();
    let mut pandas = Vec::new();
    for run in 1..=runs {
        step(&format!("covid-etl, run {run} of {runs}"));
        let database = folder.join("etl.db");
        std::fs::remove_file(&database).ok();
        let (output, measured) = run_measured(
            Command::new(&python)
                .arg(&measure)
                .arg(server)
                .args(["job", "run", "covid-etl"])
                .env(
                    "DATABASE_URL",
                    format!("sqlite://{}?mode=rwc", database.display()),
                )
                .env(
                    "STORAGE_URL",
                    format!("file://{}", folder.join("storage").display()),
                )
                .env("COVID_NYT_URL", url("nyt.csv"))
                .env("COVID_JHU_URL", url("jhu.csv"))
                .env("RUST_LOG", "warn"),
        )?;
        let summary: Value = output
            .lines()
            .last()
            .and_then(|line| serde_json::from_str(line).ok())
            .with_context(|| format!("covid-etl printed no run summary: {output}"))?;
        if summary["status"] != "success" || summary["rows_inserted"] != joined {
            bail!("covid-etl should have loaded {joined} days: {summary}");
        }
        println!("    {measured}");
        ours.push(measured);

        step(&format!("pandas, run {run} of {runs}"));
        let database = folder.join("pandas.db");
        std::fs::remove_file(&database).ok();
        let (output, measured) = run_measured(
            Command::new(&python)
                .arg(&measure)
                .arg(&python)
                .arg(anchors.join("covid_etl.py"))
                .args([url("nyt.csv"), url("jhu.csv")])
                .arg(&database),
        )?;
        if output.trim() != joined.to_string() {
            bail!("pandas should have loaded {joined} days, not {output}");
        }
        println!("    {measured}");
        pandas.push(measured);
    }
    let median = |runs: &[Measured], figure: fn(&Measured) -> f64| {
        let mut figures: Vec<f64> = runs.iter().map(figure).collect();
        figures.sort_by(f64::total_cmp);
        figures[figures.len() / 2]
    };
    let what = format!("covid-etl on the NYT and JHU files x{copies} (dates shifted) vs pandas");
    Ok([
        Row {
            measure: format!("{what}: wall time, fetch to loaded (s)"),
            ours: median(&ours, |run| run.seconds),
            anchor: Some(median(&pandas, |run| run.seconds)),
            unit: "s",
            // At least 5 times as fast.
            target: Target::RatioAtMost(0.2),
        },
        Row {
            measure: format!("{what}: CPU time, user and system (s)"),
            ours: median(&ours, |run| run.cpu_seconds),
            anchor: Some(median(&pandas, |run| run.cpu_seconds)),
            unit: "s",
            target: Target::RatioAtMost(0.2),
        },
        Row {
            measure: format!("{what}: peak resident memory"),
            ours: median(&ours, |run| run.megabytes),
            anchor: Some(median(&pandas, |run| run.megabytes)),
            unit: "MB",
            target: Target::RatioAtMost(0.25),
        },
    ])
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2} s ({:.2} s CPU), {:.1} MB",
            self.seconds, self.cpu_seconds, self.megabytes
        )
    }
}

/// Runs `command` under `measure.py`: what it printed, and its times and peak memory.
fn run_measured(command: &mut Command) -> Result<(String, Measured)> {
    let output = command.output().context("running measure.py")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (printed, last) = stdout
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", stdout.trim_end()));
    let figures: Vec<f64> = last
        .strip_prefix("measured ")
        .map(|figures| figures.split(' ').filter_map(|f| f.parse().ok()).collect())
        .unwrap_or_default();
    if !output.status.success() || figures.len() != 3 {
        bail!(
            "{command:?} failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok((
        printed.to_owned(),
        Measured {
            seconds: figures[0],
            cpu_seconds: figures[1],
            megabytes: figures[2] / 1024.0,
        },
    ))
}

/// `date,cases,deaths`, one row a day over `copies` times the NYT span, LF endings and no final
/// newline, as NYT stores it.
fn write_nyt(path: &Path, copies: i64) -> Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    write!(file, "date,cases,deaths")?;
    for day in 0..copies * NYT_DAYS {
        let within = day % NYT_DAYS;
        let cases = within * within * 97 + day % 7;
        write!(
            file,
            "\n{},{cases},{}",
            date(NYT_FIRST_DAY + day),
            cases / 60
        )?;
    }
    file.flush()?;
    Ok(())
}

/// JHU's combined file: for each copy, the US national rows, then Canada's and France's, each
/// place a run of days, as in the source.
fn write_jhu(path: &Path, copies: i64) -> Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        file,
        "Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths"
    )?;
    let places = std::iter::once(("US", "", "40.0", "-100.0"))
        .chain(
            CANADA
                .iter()
                .map(|&(p, lat, long)| ("Canada", p, lat, long)),
        )
        .chain(
            FRANCE
                .iter()
                .map(|&(p, lat, long)| ("France", p, lat, long)),
        );
    let places: Vec<_> = places.collect();
    for copy in 0..copies {
        let first = NYT_FIRST_DAY + 1 + copy * NYT_DAYS;
        for (index, &(country, province, lat, long)) in (1_i64..).zip(&places) {
            for day in 0..JHU_DAYS {
                let confirmed = day * day * 31 / index;
                // Canada leaves Recovered blank, as the source does.
                let recovered = if country == "Canada" {
                    String::new()
                } else {
                    (confirmed / 3).to_string()
                };
                writeln!(
                    file,
                    "{},{country},{province},{lat},{long},{confirmed},{recovered},{}",
                    date(first + day),
                    confirmed / 50
                )?;
            }
        }
    }
    file.flush()?;
    Ok(())
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01 (the proleptic Gregorian calendar).
fn date(days: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Serves the files of `folder` by name on a loopback port until the bench exits: one thread a
/// connection, each answer a plain 200 with its length, or 404.
fn serve(folder: PathBuf) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let folder = folder.clone();
            std::thread::spawn(move || answer(stream, &folder));
        }
    });
    Ok(port)
}

fn answer(mut stream: TcpStream, folder: &Path) -> std::io::Result<()> {
    let mut request = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    request.read_line(&mut request_line)?;
    let mut header = String::new();
    while request.read_line(&mut header)? > 2 {
        header.clear();
    }
    let name = request_line
        .split(' ')
        .nth(1)
        .and_then(|path| path.strip_prefix('/'))
        .filter(|name| !name.is_empty() && !name.contains(['/', '\\']) && !name.starts_with('.'));
    match name.map(|name| std::fs::File::open(folder.join(name))) {
        Some(Ok(mut file)) => {
            let length = file.metadata()?.len();
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
            )?;
            std::io::copy(&mut file, &mut stream)?;
        }
        _ => write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?,
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_from_1970_across_leap_years() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(NYT_FIRST_DAY), "2020-01-21");
        assert_eq!(date(NYT_FIRST_DAY + 1 + JHU_DAYS - 1), "2020-10-11");
        assert_eq!(date(NYT_FIRST_DAY + NYT_DAYS - 1), "2022-04-19");
        assert_eq!(date(11_016), "2000-02-29");
    }
}
