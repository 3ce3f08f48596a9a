//! `cookie-doctor serve`: starts the local web page (crate `cookie-doctor-web`)
//! on 127.0.0.1 in a tokio runtime created here.

use std::path::Path;
use std::sync::Arc;

use cookie_doctor_cookie::Time;
use cookie_doctor_site::{BuiltinPsl, FilePsl, PublicSuffixList};
use cookie_doctor_web::{AppState, serve};

use super::UsageError;

/// The flags of `serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Enable the Scan tab: the server may then fetch URLs you give it (the
    /// only outbound requests it ever makes).
    #[arg(long = "allow-scan")]
    pub allow_scan: bool,
}

/// Runs the server until Ctrl-C.
pub fn run(args: &ServeArgs, psl_file: Option<&Path>, now: Option<i64>) -> Result<(), UsageError> {
    let psl: Arc<dyn PublicSuffixList> = match psl_file {
        Some(path) => Arc::new(FilePsl::from_file(path)?),
        None => Arc::new(BuiltinPsl),
    };
    let mut state = AppState::new(psl);
    state.now = now.map(Time::from_unix);
    state.allow_scan = args.allow_scan;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the server runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| UsageError(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| UsageError(format!("cannot read the listening address: {e}")))?;
        let url = format!("http://{addr}/");
        println!("cookie-doctor serve: listening on {url} (Ctrl-C to stop)");
        if args.allow_scan {
            println!("cookie-doctor serve: --allow-scan: the Scan tab may fetch URLs you give it");
        }
        if args.open {
            open_browser(&url);
        }
        serve(listener, state)
            .await
            .map_err(|e| UsageError(format!("server error: {e}")))
    })
}

/// Asks the desktop to open `url`; a failure is only reported.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("cookie-doctor serve: could not open a browser ({opener}: {e}); open {url}");
    }
}
