//! Who is calling: a bearer token looked up by its hash, or everyone in `--open` mode.

use crate::error::ApiError;
use crate::store::Role;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// The caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's id (`open` in open mode): audits belong to it.
    pub id: String,
    pub role: Role,
    pub open: bool,
}

impl Caller {
    /// Refuses a caller whose role is below `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("this needs the {} role; your token has {}", role.name(), self.role.name())))
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Caller, ApiError> {
        identify(&parts.headers, state)
            .await?
            .ok_or_else(|| ApiError::unauthorized("send an API token: `Authorization: Bearer TOKEN` (create one with `evenkeel token create`)"))
    }
}

/// The caller, `None` when no token was sent and the server is not open. A token that is sent
/// must be valid, even in open mode.
pub async fn identify(headers: &axum::http::HeaderMap, state: &AppState) -> Result<Option<Caller>, ApiError> {
        let header = headers.get(axum::http::header::AUTHORIZATION);
        if state.open && header.is_none() {
            return Ok(Some(Caller { id: "open".into(), role: Role::Admin, open: true }));
        }
        let Some(header) = header else {
            return Ok(None);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer TOKEN`"))?;
        match state.store.verify(token).await? {
            Some(info) => Ok(Some(Caller { id: info.id, role: info.role, open: state.open })),
            None => Err(ApiError::unauthorized("this token is not valid (unknown or revoked)")),
        }
}

/// Callers with at least a given role, as extractors: the role is checked before the body is
/// read, so a caller without the right learns nothing from the body's validation.
macro_rules! role_extractor {
    ($name:ident, $role:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequestParts<Arc<AppState>> for $name {
            type Rejection = ApiError;
            async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<$name, ApiError> {
                let caller = Caller::from_request_parts(parts, state).await?;
                caller.require($role)?;
                Ok($name(caller))
            }
        }
    };
}

role_extractor!(AnyAgent, Role::Agent, "An agent, lead or admin.");
role_extractor!(LeadOrAdmin, Role::Lead, "A lead or admin.");
role_extractor!(Admin, Role::Admin, "An admin.");
