//! Bare HTTP/1.1 requests to the local servers the commands start, without a client library.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// An answer: its status, its head (status line and headers) and its body.
pub struct Answer {
    pub status: u16,
    head: String,
    pub body: String,
}

impl Answer {
    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// One request with a JSON `body` (may be empty) and optionally a session `cookie`; the
/// connection is closed after the answer.
pub fn send(port: u16, request_line: &str, cookie: Option<&str>, body: &str) -> Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    let cookie = cookie.map_or(String::new(), |cookie| format!("Cookie: {cookie}\r\n"));
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("an HTTP answer without a status")?;
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

/// Signs in through `POST /api/auth/{how}` (`login` or `register`) with `body`; the session cookie.
pub fn sign_in(port: u16, body: &str, how: &str) -> Result<String> {
    let answer = send(port, &format!("POST /api/auth/{how}"), None, body)?;
    answer
        .header("set-cookie")
        .and_then(|cookie| cookie.split(';').next())
        .map(str::to_owned)
        .with_context(|| format!("{how} answered {} without a session", answer.status))
}

/// One bare request; the status code of the answer.
pub fn status(port: u16, request_line: &str) -> Result<u16> {
    send(port, request_line, None, "").map(|answer| answer.status)
}

/// Waits, up to 30 s, until `request_line` on `port` answers 200: a server just started is up.
pub fn wait_until_up(port: u16, request_line: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while status(port, request_line).ok() != Some(200) {
        if Instant::now() > deadline {
            bail!("nothing answered 200 to {request_line} on port {port} within 30 seconds");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}
