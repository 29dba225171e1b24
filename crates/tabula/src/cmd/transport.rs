//! The flags that say how `enroll`, `upload` and `verify --registry` reach the registry.

use std::path::PathBuf;

use tabula_station::transport::Transport;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct TransportArgs {
    /// PEM file with the CA certificate(s) of the registry's TLS certificate. It pins: only
    /// these CAs are trusted for the registry, not the built-in web roots.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Allow plain http:// to a registry that is not on this machine (the token and the
    /// certificates then cross the network unencrypted).
    #[arg(long)]
    pub insecure_http: bool,
}

impl TransportArgs {
    /// These flags over `configured` (`[registry]` in tabula.toml): a flag given wins.
    pub fn over(&self, configured: Transport) -> Transport {
        Transport {
            ca_file: self.ca_file.clone().or(configured.ca_file),
            insecure_http: self.insecure_http || configured.insecure_http,
        }
    }

    pub fn transport(&self) -> Transport {
        self.over(Transport::default())
    }
}
