//! One row of the operation catalogue, owned: what `cargo xtask generate` builds from the spec
//! and the generated surface before writing `copilot_api::catalogue`, and what the checks of
//! [`crate::follow`] read (tests build rows from `copilot_api::catalogue::OPERATIONS`).

/// An operation as the catalogue describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueRow {
    /// The spec's operationId, e.g. `getSession`.
    pub operation_id: String,
    /// The generated `Client` method, e.g. `get_session`.
    pub method_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The spec's path template, e.g. `/security/securityCopilot/workspaces/{workspaceId}`.
    pub path: String,
    /// The path parameters, spec names in path order.
    pub path_parameters: Vec<String>,
    /// The query options in the generated method's parameter order.
    pub query: Vec<QueryOption>,
    /// The request body's Rust type name, if the operation takes a body.
    pub request_type: Option<String>,
    /// The documented success status.
    pub success_status: u16,
    /// The success response's Rust type name, e.g. `Session`.
    pub response_type: String,
    /// For a list: the item type of its `value`, e.g. `Session`.
    pub item_type: Option<String>,
}

/// A query option of an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOption {
    /// As sent, e.g. `$top`.
    pub wire: String,
    /// The generated method's argument, e.g. `top`.
    pub rust: String,
    /// Its Rust type, e.g. `Option<i32>`.
    pub ty: String,
}

impl CatalogueRow {
    /// A row with what the checks read; the other fields empty.
    pub fn new(
        operation_id: &str,
        method_name: &str,
        http_method: &str,
        path: &str,
        success_status: u16,
    ) -> Self {
        Self {
            operation_id: operation_id.to_string(),
            method_name: method_name.to_string(),
            http_method: http_method.to_string(),
            path: path.to_string(),
            success_status,
            ..Self::default()
        }
    }

    /// `getSession (GET /security/…/sessions/{sessionId})`, how the checks name an operation.
    pub fn label(&self) -> String {
        format!("{} ({} {})", self.operation_id, self.http_method, self.path)
    }
}

/// The rows of `copilot_api::catalogue::OPERATIONS` (or any slice of entries with its fields),
/// for the checks of [`crate::follow`]: `copilot_surface::catalogue_rows!(OPERATIONS)`. A macro,
/// so this crate needs no dependency on the generated client it checks.
#[macro_export]
macro_rules! catalogue_rows {
    ($operations:expr) => {
        $operations
            .iter()
            .map(|op| {
                $crate::catalogue::CatalogueRow::new(
                    op.operation_id,
                    op.method_name,
                    op.http_method,
                    op.path,
                    op.success_status,
                )
            })
            .collect::<Vec<$crate::catalogue::CatalogueRow>>()
    };
}
