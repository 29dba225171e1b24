//! The audit's typed reasons in words: why a fitness rule came out as it did
//! (`tabula_audit::reason::RuleReason`) and why a Windows 11 check failed
//! (`tabula_audit::reason::CheckReason`), for the `audit` report's [`tabula_audit::Words`].
//! English is the audit crate's own `Display`; German is [`de`]. A block of its own.

pub mod de;

#[cfg(test)]
mod tests {
    use tabula_audit::reason::{
        BatteryReading, CheckReason, CpuFamily, DriveProblems, RuleReason, StorageProblem,
    };

    #[test]
    fn german_reasons_with_their_numbers() {
        let rule = super::de::rule_reason;
        assert_eq!(
            rule(&RuleReason::Ram {
                bytes: 4 << 30,
                needs_gib: 8.0
            }),
            "4,0 GiB (mindestens 8 GiB)"
        );
        assert_eq!(
            rule(&RuleReason::Batteries {
                batteries: vec![BatteryReading {
                    name: "BAT0".into(),
                    health_pct: Some(31.25)
                }],
                needs_pct: 50.0
            }),
            "BAT0: 31,2 % (mindestens 50 %)"
        );
        let drives = RuleReason::UnhealthyDrives {
            drives: vec![DriveProblems {
                drive: "sda".into(),
                problems: vec![
                    StorageProblem::Reallocated { count: 1, max: 0 },
                    StorageProblem::Pending { count: 8, max: 0 },
                ],
            }],
        };
        assert_eq!(
            rule(&drives),
            "sda: 1 umgelagerter Sektor (höchstens 0), 8 schwebende Sektoren (höchstens 0)"
        );
        let check = super::de::check_reason;
        assert_eq!(
            check(&CheckReason::Cpu {
                cpu: CpuFamily::IntelCore { generation: 7 }
            }),
            "Intel Core der 7. Generation (die 8. oder neuer ist nötig)"
        );
        assert_eq!(
            check(&CheckReason::Ram {
                bytes: Some(3 << 29)
            }),
            "1,5 GiB"
        );
    }
}
