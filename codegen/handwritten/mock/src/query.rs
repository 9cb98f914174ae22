//! Query parameters: checked against the operation's declared parameters (type, format,
//! bounds, enum, required). Parameters the operation does not declare are ignored.

use crate::failure::Failure;
use crate::route::{ParamType, Route};

/// Splits a raw query string into decoded pairs, in order.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// Checks `pairs` against the parameters `route` declares.
pub fn check(route: &Route, pairs: &[(String, String)]) -> Result<(), Failure> {
    for param in route.query {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| k == param.name)
            .map(|(_, v)| v);
        let Some(value) = values.next() else {
            if param.required {
                return Err(Failure::invalid_query(param.name, "is required"));
            }
            continue;
        };
        if values.next().is_some() {
            return Err(Failure::invalid_query(
                param.name,
                "must be given at most once",
            ));
        }
        match param.ty {
            ParamType::Integer => {
                let n: i64 = value
                    .parse()
                    .map_err(|_| Failure::invalid_query(param.name, "must be an integer"))?;
                if let Some(min) = param.minimum {
                    if n < min {
                        return Err(Failure::invalid_query(
                            param.name,
                            format!("must be at least {min}"),
                        ));
                    }
                }
                if let Some(max) = param.maximum {
                    if n > max {
                        return Err(Failure::invalid_query(
                            param.name,
                            format!("must be at most {max}"),
                        ));
                    }
                }
            }
            ParamType::Boolean => {
                if value != "true" && value != "false" {
                    return Err(Failure::invalid_query(
                        param.name,
                        "must be `true` or `false`",
                    ));
                }
            }
            ParamType::String => {
                if param.format == Some("date-time")
                    && chrono::DateTime::parse_from_rfc3339(value).is_err()
                {
                    return Err(Failure::invalid_query(
                        param.name,
                        "must be an RFC 3339 date-time, e.g. 2026-11-25T00:00:00Z",
                    ));
                }
            }
        }
        if !param.enum_values.is_empty() && !param.enum_values.contains(&value.as_str()) {
            return Err(Failure::invalid_query(
                param.name,
                format!("must be one of {}", param.enum_values.join(", ")),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::route;

    fn check_op(op: &str, query: &str) -> Result<(), Failure> {
        check(route(op).unwrap(), &pairs(Some(query)))
    }

    #[test]
    fn limits_and_types() {
        assert!(check_op("ListAIGatewayAccessKeys", "limit=1&beforeId=x").is_ok());
        assert!(check_op("ListAIGatewayAccessKeys", "limit=100&unknown=1").is_ok());
        for bad in [
            "limit=0",
            "limit=101",
            "limit=abc",
            "limit=",
            "limit=1&limit=2",
        ] {
            let err = check_op("ListAIGatewayAccessKeys", bad).unwrap_err();
            assert_eq!(err.status, 400);
            assert_eq!(err.details["field"], "limit");
        }
    }

    #[test]
    fn usage_parameters() {
        let err = check_op("ListAIGatewayUsage", "").unwrap_err();
        assert_eq!(err.details["field"], "startTime");
        assert!(err.msg.contains("startTime"));
        let err = check_op("ListAIGatewayUsage", "startTime=yesterday").unwrap_err();
        assert_eq!(err.details["field"], "startTime");
        let err = check_op(
            "ListAIGatewayUsage",
            "startTime=2026-11-25T00:00:00Z&includeRetries=yes",
        )
        .unwrap_err();
        assert_eq!(err.details["field"], "includeRetries");
        let err = check_op(
            "GetAIGatewayUsageOverview",
            "startTime=2026-11-25T00:00:00Z&groupBy=__not-in-the-spec__",
        )
        .unwrap_err();
        assert_eq!(err.details["field"], "groupBy");
        assert!(check_op(
            "GetAIGatewayUsageOverview",
            "startTime=2026-11-25T00%3A00%3A00%2B01%3A00&groupBy=accessKey"
        )
        .is_ok());
    }
}
