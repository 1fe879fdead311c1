//! The processes of a cluster find each other: one TCP connection between every pair, opened
//! by the higher index (timely's layout: process `i` connects to every `j < i` and accepts
//! every `j > i`), each checked before it is handed to Timely — same protocol, same
//! command — within a deadline, so a missing or different process is an error naming it,
//! never a wait without end (timely's own connect retries forever and prints to stdout,
//! where the JSON verdict goes).

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

/// What every process must agree on, key by key (the first key that differs is named).
pub(crate) type Identity = Map<String, Value>;

/// First bytes of a connection: the protocol, so a stray client is told apart.
const MAGIC: &[u8; 16] = b"qisim-cluster/1\n";

/// The processes' addresses: the hostfile's lines (blank lines and `#` comments skipped), or
/// `localhost:2101 + i` for `processes` processes on this machine (timely's default).
pub(crate) fn addresses(
    hostfile: Option<&std::path::Path>,
    processes: usize,
) -> Result<Vec<String>, String> {
    let Some(path) = hostfile else {
        return Ok((0..processes)
            .map(|i| format!("localhost:{}", 2101 + i))
            .collect());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("flag --hostfile: cannot read `{}`: {e}", path.display()))?;
    let hosts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    if hosts.len() < processes {
        return Err(format!(
            "flag --hostfile: `{}` lists {} addresses; --processes {processes} needs one per process",
            path.display(),
            hosts.len()
        ));
    }
    Ok(hosts.into_iter().take(processes).collect())
}

/// Connects process `me` to every other, checking each peer's identity against `ours`;
/// gives up at `deadline`. The result has `None` at `me` (timely's layout).
pub(crate) fn connect(
    addresses: &[String],
    me: usize,
    ours: &Identity,
    deadline: Instant,
) -> Result<Vec<Option<TcpStream>>, String> {
    let own = serde_json::to_vec(ours).expect("an identity serialises");
    let listener = if me + 1 < addresses.len() {
        let l = bind(&addresses[me], me, deadline)?;
        l.set_nonblocking(true).map_err(|e| e.to_string())?;
        Some(l)
    } else {
        None
    };
    let mut sockets: Vec<Option<TcpStream>> = (0..addresses.len()).map(|_| None).collect();
    for (j, addr) in addresses.iter().enumerate().take(me) {
        let mut s = dial(addr, j, deadline)?;
        s.write_all(MAGIC)
            .and_then(|_| send(&mut s, me as u64, &own))
            .map_err(|e| {
                format!("process {me}: lost process {j} ({addr}) while introducing itself: {e}")
            })?;
        let (_, theirs) = receive(&mut s, deadline).map_err(|e| {
            format!("process {me}: process {j} ({addr}) did not answer its introduction: {e}")
        })?;
        compare(ours, &theirs, j)?;
        sockets[j] = Some(s);
    }
    let mut missing: Vec<usize> = (me + 1..addresses.len()).collect();
    while !missing.is_empty() {
        let l = listener
            .as_ref()
            .expect("a listener when processes come after this one");
        match l.accept() {
            Ok((mut s, _)) => {
                s.set_nonblocking(false).map_err(|e| e.to_string())?;
                let (j, theirs) = greet(&mut s, deadline)?;
                if j <= me || j >= addresses.len() || sockets[j].is_some() {
                    return Err(format!(
                        "process {me}: a peer introduced itself as process {j}; expected one of {missing:?}"
                    ));
                }
                send(&mut s, me as u64, &own).map_err(|e| e.to_string())?;
                compare(ours, &theirs, j)?;
                sockets[j] = Some(s);
                missing.retain(|&m| m != j);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(format!(
                        "process {me}: process(es) {missing:?} did not connect to {} before the \
                         connect timeout (is every process started, with the same --hostfile?)",
                        addresses[me]
                    ));
                }
                sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(format!("process {me}: accepting on {}: {e}", addresses[me])),
        }
    }
    for s in sockets.iter().flatten() {
        s.set_nodelay(true).map_err(|e| e.to_string())?;
        s.set_read_timeout(None).map_err(|e| e.to_string())?;
    }
    Ok(sockets)
}

fn bind(addr: &str, me: usize, deadline: Instant) -> Result<TcpListener, String> {
    // A port left in TIME_WAIT by the previous run frees itself in a moment.
    loop {
        match TcpListener::bind(addr) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == ErrorKind::AddrInUse && Instant::now() < deadline => {
                sleep(Duration::from_millis(100))
            }
            Err(e) => return Err(format!("process {me}: cannot listen on {addr}: {e}")),
        }
    }
}

fn dial(addr: &str, j: usize, deadline: Instant) -> Result<TcpStream, String> {
    let targets: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| format!("the address of process {j}, `{addr}`: {e}"))?
        .collect();
    loop {
        for t in &targets {
            if let Ok(s) = TcpStream::connect_timeout(t, Duration::from_millis(500)) {
                return Ok(s);
            }
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "cannot connect to process {j} at {addr} before the connect timeout (is it started?)"
            ));
        }
        sleep(Duration::from_millis(100));
    }
}

/// Reads a connecting peer's magic and introduction.
fn greet(s: &mut TcpStream, deadline: Instant) -> Result<(usize, Identity), String> {
    let mut magic = [0u8; 16];
    set_deadline(s, deadline)?;
    s.read_exact(&mut magic)
        .map_err(|e| format!("a peer connected but did not introduce itself: {e}"))?;
    if &magic != MAGIC {
        return Err(
            "a peer that is not `qisim explore --cluster` (or another protocol version) \
                    connected"
                .into(),
        );
    }
    receive(s, deadline).map_err(|e| format!("a peer's introduction: {e}"))
}

fn send(s: &mut TcpStream, index: u64, identity: &[u8]) -> std::io::Result<()> {
    s.write_all(&index.to_le_bytes())?;
    s.write_all(&(identity.len() as u64).to_le_bytes())?;
    s.write_all(identity)
}

fn receive(s: &mut TcpStream, deadline: Instant) -> Result<(usize, Identity), String> {
    set_deadline(s, deadline)?;
    let mut word = [0u8; 8];
    s.read_exact(&mut word).map_err(|e| e.to_string())?;
    let index = u64::from_le_bytes(word) as usize;
    s.read_exact(&mut word).map_err(|e| e.to_string())?;
    let len = u64::from_le_bytes(word);
    if len > 1 << 24 {
        return Err(format!("an introduction of {len} bytes"));
    }
    let mut bytes = vec![0u8; len as usize];
    s.read_exact(&mut bytes).map_err(|e| e.to_string())?;
    let identity = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok((index, identity))
}

fn set_deadline(s: &TcpStream, deadline: Instant) -> Result<(), String> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(200));
    s.set_read_timeout(Some(left)).map_err(|e| e.to_string())
}

/// Refuses a peer that runs another command, naming the first field that differs.
fn compare(ours: &Identity, theirs: &Identity, j: usize) -> Result<(), String> {
    for (k, v) in ours {
        let t = theirs.get(k).unwrap_or(&Value::Null);
        if let Some((path, t, v)) = difference(k.clone(), t, v) {
            return Err(format!(
                "process {j} runs a different exploration: its {path} is {t}, this process's is \
                 {v} (every process must run the same command)"
            ));
        }
    }
    Ok(())
}

/// The first place where `a` and `b` differ, as a path (`configs[0].policy`) and both values.
fn difference(path: String, a: &Value, b: &Value) -> Option<(String, Value, Value)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = x.keys().chain(y.keys().filter(|k| !x.contains_key(*k)));
            keys.filter_map(|k| {
                let (p, q) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                difference(format!("{path}.{k}"), p, q)
            })
            .next()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(format!("{path}[{i}]"), p, q)),
        (Value::Array(x), Value::Array(y)) => Some((
            format!("{path} (its length)"),
            x.len().into(),
            y.len().into(),
        )),
        _ => (a != b).then(|| (path, a.clone(), b.clone())),
    }
}
