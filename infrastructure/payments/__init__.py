"""Payment providers behind application.subscriptions.ports.PaymentGateway."""
