//! Bare HTTP/1.1 requests to the local servers the commands start, without a client library.

use std::io::{Read, Write};
use std::net::TcpStream;

use anyhow::{Context, Result};

/// One request with a JSON `body` (may be empty), the connection closed after it; the status code
/// of the answer.
pub fn send(port: u16, request_line: &str, body: &str) -> Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .context("an HTTP answer without a status")
}

/// One bare request; the status code of the answer.
pub fn status(port: u16, request_line: &str) -> Result<u16> {
    send(port, request_line, "")
}
