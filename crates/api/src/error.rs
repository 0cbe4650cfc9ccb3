//! Turning core errors into the boundary's [`ApiError`] codes.

use model::ModelError;
use store::{Failure, StoreError};

use crate::types::{ApiError, ErrorCode};

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        let code = match &e {
            ModelError::TooNew { .. } => ErrorCode::TooNew,
            ModelError::NoSuchElement(_) => ErrorCode::NotFound,
            ModelError::DuplicateId(_) | ModelError::InvalidEdit(_) => ErrorCode::InvalidInput,
            ModelError::WrongKind { .. } | ModelError::Malformed(_) => ErrorCode::DocumentCorrupt,
            ModelError::Automerge(_) => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::TooNew { .. } => ErrorCode::TooNew,
            StoreError::Corrupt { .. } => ErrorCode::DocumentCorrupt,
            StoreError::InUse { .. } => ErrorCode::DataFolderInUse,
            _ => match e.failure() {
                Failure::DiskFull => ErrorCode::DiskFull,
                Failure::ReadOnly => ErrorCode::DatabaseReadOnly,
                Failure::Other => ErrorCode::Storage,
            },
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<samod::Stopped> for ApiError {
    fn from(_: samod::Stopped) -> Self {
        ApiError::new(ErrorCode::Internal, "the document repository has stopped")
    }
}

pub(crate) fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, detail)
}

pub(crate) fn not_found(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::NotFound, detail)
}

pub(crate) fn internal(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Internal, detail)
}

pub(crate) fn read_only(workspace_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ReadOnly,
        format!("workspace {workspace_id} is shared with you read-only"),
    )
}
