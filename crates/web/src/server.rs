//! The HTTP server loop, bounded before any request is read: at most `max_connections` connections,
//! at most `max_per_client` from one client (an IPv6 client counts by its /64), and a request head must
//! arrive within `header_read_timeout`, also between the requests of a kept-alive connection. A
//! connection over a cap is answered `503` at once, in the error format of the path it asked for, and
//! closed; hundreds of slow or idle clients therefore cannot starve real ones or the descriptor table.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::limit::client_key;

/// Connection limits (see `server.*` in docs/configuration.md).
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Connections open at once, in all.
    pub max_connections: usize,
    /// Connections open at once from one client address.
    pub max_per_client: usize,
    /// Time for a request head to arrive, and for the next one on a kept-alive connection.
    pub header_read_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self { max_connections: 4_096, max_per_client: 256, header_read_timeout: Duration::from_secs(10) }
    }
}

/// Refusals being written at once; beyond this a connection over a cap is simply closed.
const MAX_REFUSING: usize = 256;
/// How long a refusal waits for the request line that decides its format.
const REFUSAL_PEEK: Duration = Duration::from_millis(500);

/// Connections open per client, counted in and out by [`Slot`].
#[derive(Default)]
struct PerClient(Mutex<HashMap<IpAddr, usize>>);

/// One accepted connection's place under both caps, given back when it is dropped.
struct Slot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    clients: Arc<PerClient>,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.clients.0.lock().expect("the per-client lock is never poisoned: no code panics holding it");
        if let Some(n) = map.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.client);
            }
        }
    }
}

/// Serves `app` until `shutdown` resolves, then lets the requests in flight finish.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let clients = Arc::new(PerClient::default());
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.header_read_timeout))
        .max_concurrent_streams(64);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of descriptors or similar: wait a moment instead of spinning on the error.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let client = client_key(peer.ip());
        let Some(slot) = take_slot(&slots, &clients, client, limits.max_per_client) else {
            match refusing.clone().try_acquire_owned() {
                Ok(permit) => {
                    tokio::spawn(async move {
                        refuse(stream).await;
                        drop(permit);
                    });
                }
                Err(_) => drop(stream),
            }
            continue;
        };
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let head_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            // The first request head is read here, so that a client too slow to send it gets a 408 it
            // can read; hyper's own timer (which only closes) covers the heads after it.
            let mut stream = stream;
            let Some(head) = first_head(&mut stream, head_timeout).await else { return drop(slot) };
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let io = TokioIo::new(Prefixed { prefix: head, at: 0, inner: stream });
            let conn = builder.serve_connection_with_upgrades(io, service).into_owned();
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

fn take_slot(slots: &Arc<Semaphore>, clients: &Arc<PerClient>, client: IpAddr, per_client: usize) -> Option<Slot> {
    let permit = slots.clone().try_acquire_owned().ok()?;
    let mut map = clients.0.lock().expect("the per-client lock is never poisoned: no code panics holding it");
    let n = map.entry(client).or_insert(0);
    if *n >= per_client {
        return None;
    }
    *n += 1;
    Some(Slot { _permit: permit, clients: clients.clone(), client })
}

/// The most of a first request head read before hyper takes over (and reads the rest itself): with
/// `max_connections` heads waiting at once, this bounds what slow clients hold (4,096 × 16 KiB = 64 MiB).
const MAX_HEAD: usize = 16 * 1024;

/// Reads the connection's first request head (up to its blank line) within `timeout`. A client that
/// started one but did not finish it in time gets `408` in its path's error format; `None` then, and
/// when the client closes or sends nothing at all.
async fn first_head(stream: &mut TcpStream, timeout: Duration) -> Option<Vec<u8>> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return None,
            Ok(Ok(n)) => head.extend_from_slice(&chunk[..n]),
            Err(_) => {
                if !head.is_empty() {
                    answer(stream, &head, 408, "Request Timeout", "the request head did not arrive in time").await;
                }
                return None;
            }
        }
    }
    Some(head)
}

/// A connection whose first bytes were already read: they are read again first.
struct Prefixed {
    prefix: Vec<u8>,
    at: usize,
    inner: TcpStream,
}

impl tokio::io::AsyncRead for Prefixed {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let at = self.at;
            let n = buf.remaining().min(self.prefix.len() - at);
            buf.put_slice(&self.prefix[at..at + n]);
            self.at += n;
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Prefixed {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Answers a connection over a cap with `503` and `Retry-After`, in the error format of the path its
/// request line names (Open311 XML or JSON, otherwise problem+json), and closes it.
async fn refuse(mut stream: TcpStream) {
    let mut head = [0u8; 512];
    let n = tokio::time::timeout(REFUSAL_PEEK, stream.read(&mut head)).await.ok().and_then(Result::ok).unwrap_or(0);
    answer(&mut stream, &head[..n], 503, "Service Unavailable", "the server is busy; try again in a moment").await;
}

/// Writes an error answer (`Retry-After: 1`) in the error format of the path `head`'s request line
/// names, and closes the connection.
async fn answer(stream: &mut TcpStream, head: &[u8], status: u16, reason: &str, message: &str) {
    let path = std::str::from_utf8(head).ok().and_then(|h| h.split(' ').nth(1)).unwrap_or("/");
    let xml = path.split('?').next().is_some_and(|p| p.ends_with(".xml"));
    let (content_type, body) = if path.starts_with("/open311/") && xml {
        (
            "text/xml; charset=utf-8",
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>{status}</code><description>{message}</description></error></errors>"
            ),
        )
    } else if path.starts_with("/open311/") {
        ("application/json; charset=utf-8", format!("[{{\"code\":{status},\"description\":\"{message}\"}}]"))
    } else {
        (
            "application/problem+json",
            format!("{{\"type\":\"about:blank\",\"title\":\"{reason}\",\"status\":{status},\"detail\":\"{message}\"}}"),
        )
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_PEEK, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn start(limits: ServerLimits) -> SocketAddrV4 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let std::net::SocketAddr::V4(addr) = listener.local_addr().unwrap() else { unreachable!() };
        let app = Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
        tokio::spawn(run(listener, app, limits, std::future::pending()));
        addr
    }

    use std::net::SocketAddrV4;

    async fn request(addr: SocketAddrV4, path: &str) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes()).await.unwrap();
        let mut out = String::new();
        tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out)).await.unwrap().unwrap();
        out
    }

    #[tokio::test]
    async fn a_half_sent_header_is_cut_off_and_others_are_still_served() {
        let addr = start(ServerLimits { header_read_timeout: Duration::from_millis(300), ..Default::default() }).await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n").await.unwrap();
        assert!(request(addr, "/healthz").await.ends_with("ok"));
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(3), slow.read_to_string(&mut answer))
            .await
            .expect("answered and closed in time")
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 408 Request Timeout"), "{answer}");
        assert!(answer.contains("application/problem+json") && answer.contains("\"status\":408"), "{answer}");
        // On an Open311 path, in Open311's format.
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET /open311/v2/requests.xml?jurisdiction_id=x HTTP/1.1\r\nhost").await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(3), slow.read_to_string(&mut answer)).await.unwrap().unwrap();
        assert!(answer.contains("text/xml") && answer.contains("<code>408</code>"), "{answer}");
        // A connection that sends nothing at all is closed without an answer.
        let mut silent = TcpStream::connect(addr).await.unwrap();
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(3), silent.read(&mut buf)).await.unwrap().unwrap();
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn an_idle_kept_alive_connection_is_closed() {
        let addr = start(ServerLimits { header_read_timeout: Duration::from_millis(300), ..Default::default() }).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
        let mut buf = vec![0u8; 1024];
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).ends_with("ok"));
        // Silent after its answer: closed once the next head is overdue.
        let rest = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await.expect("closed in time");
        assert_eq!(rest.unwrap(), 0);
    }

    #[tokio::test]
    async fn connections_over_a_cap_are_refused_at_once_in_the_paths_format() {
        let addr = start(ServerLimits { max_per_client: 2, ..Default::default() }).await;
        // Two idle connections hold this client's places.
        let _a = TcpStream::connect(addr).await.unwrap();
        let _b = TcpStream::connect(addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = request(addr, "/healthz").await;
        assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
        assert!(refused.contains("retry-after: 1") && refused.contains("application/problem+json"), "{refused}");
        let xml = request(addr, "/open311/v2/requests.xml?x=1").await;
        assert!(xml.contains("text/xml") && xml.contains("<code>503</code>"), "{xml}");
        let json = request(addr, "/open311/v2/requests.json").await;
        assert!(json.contains("[{\"code\":503"), "{json}");
        // Once a place is free again, the client is served.
        drop(_a);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(request(addr, "/healthz").await.ends_with("ok"));
    }

    #[tokio::test]
    async fn the_total_cap_holds_across_clients() {
        let addr = start(ServerLimits { max_connections: 1, ..Default::default() }).await;
        let held = TcpStream::connect(addr).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(request(addr, "/healthz").await.starts_with("HTTP/1.1 503"));
        drop(held);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(request(addr, "/healthz").await.ends_with("ok"));
    }
}
