//! Credits. The checkout only creates a Stripe session, so nothing is bought even against
//! a real account.

use ngrok_ai::types;

use super::Tour;

/// Reads the balance and the history, and starts a checkout for USD 5.00.
pub(super) async fn read_and_check_out(tour: &mut Tour<'_, '_>) -> Result<(), String> {
    let Tour {
        client,
        recorder: r,
        ..
    } = tour;
    r.call(
        "GetCreditBalance",
        "",
        "The credit balance.",
        client.get_credit_balance().send(),
    )
    .await?;
    r.call(
        "GetCreditTransactions",
        "",
        "The credit history.",
        client.get_credit_transactions().send(),
    )
    .await?;
    r.call(
        "CreateCheckoutSession",
        "",
        "Starts a checkout for USD 5.00 (a session only; nothing is charged).",
        client
            .create_checkout_session()
            .body(
                types::CheckoutSessionCreate::builder()
                    .amount(std::num::NonZeroU64::new(500).ok_or("500 is not zero")?),
            )
            .send(),
    )
    .await?;
    Ok(())
}
