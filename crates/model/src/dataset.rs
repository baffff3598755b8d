//! The ten kinds of ledger the auditor reads (DESIGN.md §3).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    DrugTxn,
    DrugDispense,
    UsDevice,
    UsExam,
    Termination,
    Institution,
    Staff,
    Birth,
    Pregnancy,
    /// The register of monthly reports sent to the county (月报报送登记).
    ReportLog,
}

impl Dataset {
    pub const ALL: [Dataset; 10] = [
        Self::DrugTxn,
        Self::DrugDispense,
        Self::UsDevice,
        Self::UsExam,
        Self::Termination,
        Self::Institution,
        Self::Staff,
        Self::Birth,
        Self::Pregnancy,
        Self::ReportLog,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DrugTxn => "drug_txn",
            Self::DrugDispense => "drug_dispense",
            Self::UsDevice => "us_device",
            Self::UsExam => "us_exam",
            Self::Termination => "termination",
            Self::Institution => "institution",
            Self::Staff => "staff",
            Self::Birth => "birth",
            Self::Pregnancy => "pregnancy",
            Self::ReportLog => "report_log",
        }
    }
}

impl Dataset {
    /// The ledger's name as a clerk calls it, Chinese and English: what people read wherever
    /// the internal name (`drug_txn`) would be jargon.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Self::DrugTxn => (
                "终止妊娠药品购销台账",
                "termination drug purchase and sales ledger",
            ),
            Self::DrugDispense => (
                "终止妊娠药品用药登记",
                "termination drug dispensing register",
            ),
            Self::UsDevice => ("超声设备备案台账", "ultrasound device filings"),
            Self::UsExam => ("B超检查登记", "ultrasound exam register"),
            Self::Termination => ("终止妊娠手术登记", "termination register"),
            Self::Institution => ("机构资质名录", "institution registry"),
            Self::Staff => ("人员资质名录", "staff registry"),
            Self::Birth => ("出生登记", "birth register"),
            Self::Pregnancy => ("孕情登记", "pregnancy register"),
            Self::ReportLog => ("月报报送登记", "monthly report register"),
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dataset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|d| d.as_str()).collect();
                format!(
                    "未知的数据集 \"{s}\"，可选 {0} / unknown dataset \"{s}\", expected one of {0}",
                    names.join("|")
                )
            })
    }
}
