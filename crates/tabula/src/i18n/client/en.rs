//! The registry client's errors in English (their own words, a little shorter where the German
//! says more).

use super::Client;

pub const CLIENT: Client = Client {
    unreachable: |base| format!("cannot reach the registry at {base}"),
    timeout: |base| format!("the registry at {base} did not answer in time (timeout)"),
    tls: |base, problem| format!("TLS with the registry at {base}: {problem}"),
    tls_problem: |p| p.to_string(),
    refused: |status, code, message| format!("registry refused ({status}, {code}): {message}"),
    unexpected: |status, body| format!("registry answered {status}: {body}"),
    answer: |what| format!("reading the {what} from the registry"),
    log_key: |what| format!("{what:?} is not a log verifier key"),
    log_key_file: |path| format!("reading log key file {path}"),
    no_receipt: "the bundle has no receipt: upload it with `tabula upload` first",
    malformed_receipt: "the bundle's receipt is malformed",
    receipt: "the registry's receipt does not verify",
    checkpoint: "the registry's current checkpoint does not verify with the log key",
    rollback: |now, then| {
        format!(
            "ROLLBACK: the registry's current tree (size {now}) is smaller than the receipt's \
             tree head (size {then}): the log was rolled back or forked"
        )
    },
    inconsistent: "the registry's current tree is NOT consistent with the receipt's tree head \
         (log rewritten?)",
    leaf: "the certificate's signed payload cannot be read",
    bad_url: |url| format!("registry URL {url:?} must start with http:// or https://"),
    insecure_http: |url| {
        format!(
            "registry URL {url:?} is plain http to a host that is not this machine: the \
             enrolment token and every certificate would cross the network unencrypted; use \
             https://, or --insecure-http (`insecure_http = true` under [registry]) if that is \
             really meant"
        )
    },
    ca_file: |path| format!("reading CA file {path}"),
    ca_pem: |path| format!("{path} holds no PEM certificate"),
    build: "building the HTTP client",
};
