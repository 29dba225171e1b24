//! The console keyboard layout: the layouts the live stick offers ([`layouts`], from
//! `keymaps.txt`, which `image/build.sh` checks against the image), and [`ConsoleKeymap`], the hook
//! that applies a chosen layout at once (`loadkeys`) when the TUI runs on the live image's
//! console, so the answers after it are typed on it. The choice itself is written as
//! `[station] keymap` with the other answers ([`super::answers`]); the image loads it at boot.

use std::path::PathBuf;
use std::process::Command;
use std::sync::LazyLock;

use super::SetupError;

/// One console keymap the stick ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keymap {
    /// The console-data keymap name (`loadkeys NAME`, `[station] keymap = "NAME"`).
    pub name: &'static str,
    /// The layout's name in its own language.
    pub label: &'static str,
}

static LAYOUTS: LazyLock<Vec<Keymap>> = LazyLock::new(|| parse(include_str!("keymaps.txt")));

/// `name label...` lines; `#` comments and blank lines skipped.
fn parse(text: &'static str) -> Vec<Keymap> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, label) = l.split_once(char::is_whitespace).unwrap_or((l, l));
            Keymap {
                name,
                label: label.trim(),
            }
        })
        .collect()
}

/// The layouts the stick offers, the default ([`default`]) first.
pub fn layouts() -> &'static [Keymap] {
    &LAYOUTS
}

/// German (`de`), the first of [`layouts`].
pub fn default() -> Keymap {
    layouts().first().copied().unwrap_or(Keymap {
        name: "de",
        label: "Deutsch",
    })
}

/// The offered layout called `name`.
pub fn find(name: &str) -> Option<Keymap> {
    layouts().iter().copied().find(|l| l.name == name)
}

/// The layout `step` places after (negative: before) the one called `name`, wrapping around; the
/// default when `name` is not offered.
pub fn step(name: &str, step: isize) -> Keymap {
    let all = layouts();
    let Some(i) = all.iter().position(|l| l.name == name) else {
        return default();
    };
    let n = all.len() as isize;
    all[(i as isize + step).rem_euclid(n) as usize]
}

/// Where a chosen layout takes effect at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsoleKeymap {
    /// Not on the live image's console (a terminal emulator, tests): the choice is only written.
    #[default]
    Off,
    /// `loadkeys -C CONSOLE NAME`: the live image's TUI on its virtual console (`/dev/tty1`).
    Loadkeys { console: PathBuf },
}

impl ConsoleKeymap {
    /// Loads `layout` into the console (nothing when [`ConsoleKeymap::Off`]).
    pub fn apply(&self, layout: Keymap) -> Result<(), SetupError> {
        let Self::Loadkeys { console } = self else {
            return Ok(());
        };
        let failed = |detail: String| SetupError::Tool {
            tool: "loadkeys",
            device: console.clone(),
            detail,
        };
        let out = Command::new("loadkeys")
            .arg("-q")
            .arg("-C")
            .arg(console)
            .arg(layout.name)
            .output()
            .map_err(|e| failed(e.to_string()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(failed(format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_german_first_with_unique_loadable_names() {
        assert_eq!(default(), find("de").unwrap());
        assert_eq!(layouts()[0].label, "Deutsch");
        assert!(layouts().len() > 3);
        for (i, l) in layouts().iter().enumerate() {
            // what the image's keymap script accepts from tabula.toml
            assert!(
                !l.name.is_empty()
                    && l.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)),
                "{l:?}"
            );
            assert!(!l.label.is_empty() && l.label != l.name, "{l:?}");
            assert!(
                layouts()[..i].iter().all(|o| o.name != l.name),
                "{l:?} twice"
            );
        }
        assert_eq!(find("us").unwrap().label, "English (US)");
        assert_eq!(find("dvorak-xyz"), None);
    }

    #[test]
    fn stepping_wraps_around() {
        let all = layouts();
        assert_eq!(step("de", 1), all[1]);
        assert_eq!(step("de", -1), *all.last().unwrap());
        assert_eq!(step(all.last().unwrap().name, 1), all[0]);
        assert_eq!(step("nonsense", 1), default());
    }

    #[test]
    fn off_loads_nothing() {
        // (Loadkeys is run by the TUI's tmux test, against a stand-in loadkeys: never the host's)
        assert!(ConsoleKeymap::Off.apply(default()).is_ok());
    }
}
