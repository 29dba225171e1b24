//! `--organisation` and `--site` for `tabula run` and `tabula tui`: the certificate's issuer for
//! this run, over what `tabula.toml` says (`--operator` is each command's own).

use tabula_station::config::Config;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct IssuerArgs {
    /// The certificates' issuing organisation (default from tabula.toml).
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// The site named in the certificates (default from tabula.toml).
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
}

impl IssuerArgs {
    /// Puts the given values over the configuration's.
    pub fn apply(&self, config: &mut Config) {
        let s = &mut config.station;
        if let Some(o) = &self.organisation {
            s.organisation = Some(o.clone());
        }
        if let Some(site) = &self.site {
            s.site = Some(site.clone());
        }
    }
}
