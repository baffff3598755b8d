//! Why a whole input could not be read. Each reason reads in Chinese, then English; the file
//! name is added by whoever reports it.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Io(String),
    /// No file at the path given.
    NotFound,
    /// The file is there but may not be read.
    NoPermission,
    Empty,
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// The content is some other kind of file (PDF, image, archive …).
    NotSpreadsheet(&'static str),
    Encrypted,
    Corrupt(String),
    /// A zip member would expand beyond the limits: a zip bomb or an absurd workbook.
    Oversized {
        entry: String,
        size: u64,
        limit: u64,
    },
    TooManyEntries {
        count: usize,
        limit: usize,
    },
    /// A member that expands far more than any spreadsheet's XML does: a zip bomb.
    Inflated {
        entry: String,
        size: u64,
        packed: u64,
    },
    TooManyCells {
        limit: u64,
    },
    /// No sheet had a header that names a known dataset.
    NoRecognisedSheet,
    NoSheets,
}

impl InputError {
    pub fn zh(&self) -> String {
        match self {
            Self::Io(e) => format!("无法读取文件（{e}）"),
            Self::NotFound => "文件不存在".to_owned(),
            Self::NoPermission => "没有读取该文件的权限".to_owned(),
            Self::Empty => "文件为空".to_owned(),
            Self::TooLarge { size, limit } => {
                format!("文件大小 {size} 字节，超过上限 {limit} 字节")
            }
            Self::NotSpreadsheet(what) => {
                format!("文件内容是{}，不是电子表格或 CSV", kind_zh(what))
            }
            Self::Encrypted => "工作簿已加密（设置了打开密码），请取消密码后再上传".to_owned(),
            Self::Corrupt(e) => format!("文件已损坏或不完整，无法解析（{e}）"),
            Self::Oversized { entry, size, limit } => {
                format!(
                    "压缩包内 {entry} 解压后 {size} 字节，超过上限 {limit} 字节（疑似压缩炸弹）"
                )
            }
            Self::TooManyEntries { count, limit } => {
                format!("压缩包内有 {count} 个条目，超过上限 {limit}")
            }
            Self::Inflated {
                entry,
                size,
                packed,
            } => format!(
                "压缩包内 {entry} 由 {packed} 字节解压为 {size} 字节，压缩比远超正常电子表格（疑似压缩炸弹），拒绝读取"
            ),
            Self::TooManyCells { limit } => format!("单元格数量超过上限 {limit}"),
            Self::NoRecognisedSheet => "没有任何工作表的表头能识别为已知台账".to_owned(),
            Self::NoSheets => "工作簿中没有工作表".to_owned(),
        }
    }

    pub fn en(&self) -> String {
        match self {
            Self::Io(e) => format!("cannot read the file ({e})"),
            Self::NotFound => "there is no such file".to_owned(),
            Self::NoPermission => "the file may not be read (permission denied)".to_owned(),
            Self::Empty => "the file is empty".to_owned(),
            Self::TooLarge { size, limit } => format!("the file is {size} bytes, over the limit of {limit}"),
            Self::NotSpreadsheet(what) => format!("the content is {what}, not a spreadsheet or CSV"),
            Self::Encrypted => "the workbook is encrypted (it has an open password); remove the password and try again".to_owned(),
            Self::Corrupt(e) => format!("the file is damaged or incomplete and cannot be parsed ({e})"),
            Self::Oversized { entry, size, limit } => {
                format!("archive member {entry} expands to {size} bytes, over the limit of {limit} (zip bomb?)")
            }
            Self::TooManyEntries { count, limit } => format!("the archive has {count} members, over the limit of {limit}"),
            Self::Inflated { entry, size, packed } => format!(
                "archive member {entry} expands from {packed} to {size} bytes, far beyond any spreadsheet's compression (zip bomb?): not read"
            ),
            Self::TooManyCells { limit } => format!("more than {limit} cells"),
            Self::NoRecognisedSheet => "no sheet has a header that names a known ledger".to_owned(),
            Self::NoSheets => "the workbook has no sheets".to_owned(),
        }
    }
}

fn kind_zh(what: &str) -> &'static str {
    match what {
        "a PDF document" => " PDF 文档",
        "an image" => "图片",
        "an archive" => "压缩包",
        "a Word document" => " Word 文档",
        "an executable" => "可执行程序",
        _ => "二进制数据",
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.zh(), self.en())
    }
}

impl std::error::Error for InputError {}

impl From<&std::io::Error> for InputError {
    /// The two reasons a user can act on are named in both languages; others keep the
    /// system's words.
    fn from(e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound,
            std::io::ErrorKind::PermissionDenied => Self::NoPermission,
            _ => Self::Io(e.to_string()),
        }
    }
}
