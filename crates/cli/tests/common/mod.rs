//! What the binary's tests share: a scratch directory, the binary with its data there, and a server.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("laksana-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn laksana(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_laksana"));
    c.current_dir(dir)
        .env("LAKSANA__DATA_DIR", dir.join("data"))
        .env("RUST_LOG", "warn")
        .env_remove("LAKSANA__DATABASE__URL");
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    laksana(dir).args(args).output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Starts `laksana ARGS` (a `serve`) on a free port: the child and its address.
pub fn start_server(dir: &Path, args: &[&str]) -> (Child, String) {
    let mut child = laksana(dir)
        .args(args)
        .env("LAKSANA__SERVER__BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.strip_prefix("Laksana is serving at http://") {
            // The server outlives this function's reader; it must not mind its stdout being closed.
            return (child, rest.trim_end_matches('/').to_owned());
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not print its address");
}

pub fn run_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child =
        laksana(dir).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// One HTTP/1.1 request to `addr` (`host:port`), closed after the answer: (status, head, body).
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    use std::io::Read;
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes()).unwrap();
    conn.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}
