//! The network state on screen: is a wired interface up with an address, and does the registry
//! answer. A background thread looks again every few seconds, so a cable plugged in late or a
//! registry that comes back shows without a key press, and a slow answer never blocks the UI.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::Sender;

use super::app::Msg;
use crate::i18n::t;
use tabula_station::Station;
use tabula_station::client::{ClientError, RegistryClient};

/// How often the state is looked at again.
const EVERY: Duration = Duration::from_secs(10);

/// One wired interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    /// The kernel says the link is up (cable in, negotiated).
    pub up: bool,
    pub addresses: Vec<String>,
}

/// Whether the registry answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Registry {
    /// No `[registry] url`: certificates stay in the outbox.
    None,
    #[default]
    Checking,
    Answers,
    /// Why not (short).
    NoAnswer(String),
}

/// What the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetState {
    pub links: Vec<Link>,
    pub registry: Registry,
}

impl NetState {
    /// One line: `ens3 up 10.0.2.15; registry answers`.
    pub fn line(&self) -> String {
        let n = &t().network;
        let links = if self.links.is_empty() {
            n.no_interface.to_owned()
        } else {
            self.links
                .iter()
                .map(|l| match (l.up, l.addresses.first()) {
                    (true, Some(a)) => (n.up)(&l.name, a),
                    (true, None) => (n.up_no_address)(&l.name),
                    (false, _) => (n.down)(&l.name),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let registry = match &self.registry {
            Registry::None => n.no_registry.to_owned(),
            Registry::Checking => n.checking.to_owned(),
            Registry::Answers => n.answers.to_owned(),
            Registry::NoAnswer(why) => (n.no_answer)(why),
        };
        format!("{links}; {registry}")
    }
}

/// Wired interfaces under `sys` (`/sys/class/net`): hardware ones (with a `device` link) that are
/// not wireless, with their IP addresses from `addresses`.
pub fn links(sys: &Path, addresses: &BTreeMap<String, Vec<String>>) -> Vec<Link> {
    let Ok(entries) = std::fs::read_dir(sys) else {
        return Vec::new();
    };
    let mut links: Vec<Link> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("device").exists() && !e.path().join("wireless").exists())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let state = std::fs::read_to_string(e.path().join("operstate")).unwrap_or_default();
            Link {
                up: state.trim() == "up",
                addresses: addresses.get(&name).cloned().unwrap_or_default(),
                name,
            }
        })
        .collect();
    links.sort_by(|a, b| a.name.cmp(&b.name));
    links
}

/// The IPv4 and global IPv6 addresses of every interface.
fn addresses() -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Ok(all) = nix::ifaddrs::getifaddrs() else {
        return map;
    };
    for ifa in all {
        let Some(addr) = ifa.address else { continue };
        let text = if let Some(v4) = addr.as_sockaddr_in() {
            v4.ip().to_string()
        } else if let Some(v6) = addr.as_sockaddr_in6() {
            let ip = v6.ip();
            // Link-local fe80::/10 is there without any network.
            if (ip.segments()[0] & 0xffc0) == 0xfe80 {
                continue;
            }
            ip.to_string()
        } else {
            continue;
        };
        map.entry(ifa.interface_name).or_default().push(text);
    }
    map
}

/// Looks at the links and asks the registry, now and every few seconds, until the UI is gone.
pub fn watch(station: Arc<Station>, tx: Sender<Msg>) -> JoinHandle<()> {
    thread::spawn(move || {
        let registry = &station.config.registry;
        let client = registry
            .url
            .as_deref()
            .map(|url| RegistryClient::new(url, &registry.transport()));
        loop {
            let links = links(Path::new("/sys/class/net"), &addresses());
            let registry = match &client {
                None => Registry::None,
                Some(Err(e)) => Registry::NoAnswer(crate::cmd::describe(e)),
                Some(Ok(c)) => match c.health() {
                    Ok(()) => Registry::Answers,
                    // The sentence says the registry does not answer: the system says why, or
                    // the registry's refusal in the catalogue's words.
                    Err(
                        e @ (ClientError::Unreachable { .. }
                        | ClientError::Timeout { .. }
                        | ClientError::Tls { .. }),
                    ) => Registry::NoAnswer(root_cause(&e)),
                    Err(e) => Registry::NoAnswer(crate::cmd::describe(&e)),
                },
            };
            if tx.send(Msg::Network(NetState { links, registry })).is_err() {
                return;
            }
            thread::sleep(EVERY);
        }
    })
}

/// The innermost cause of `err` in the system's words ("Connection refused (os error 111)").
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(err), |e| e.source())
        .last()
        .map_or_else(String::new, ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wired_hardware_links_with_their_state_and_address() {
        let sys = tempfile::tempdir().unwrap();
        let add = |name: &str, state: &str, device: bool, wireless: bool| {
            let d = sys.path().join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("operstate"), format!("{state}\n")).unwrap();
            if device {
                std::fs::create_dir(d.join("device")).unwrap();
            }
            if wireless {
                std::fs::create_dir(d.join("wireless")).unwrap();
            }
        };
        add("lo", "unknown", false, false);
        add("ens3", "up", true, false);
        add("enp2s0", "down", true, false);
        add("wlp3s0", "up", true, true);
        let addrs = BTreeMap::from([("ens3".to_owned(), vec!["10.0.2.15".to_owned()])]);
        let state = NetState {
            links: links(sys.path(), &addrs),
            registry: Registry::Answers,
        };
        assert_eq!(
            state.line(),
            "enp2s0 down (cable?), ens3 up 10.0.2.15; registry answers"
        );
        let none = NetState {
            links: Vec::new(),
            registry: Registry::NoAnswer("registry unreachable".to_owned()),
        };
        assert_eq!(
            none.line(),
            "no wired network interface; registry does not answer (registry unreachable)"
        );
    }
}
