{#- Every landed billing and product row is staged or quarantined, exactly once. -#}
{{ raw_rows_reconcile([
    ('raw_billing', 'customers', 'billing'),
    ('raw_billing', 'plans', 'billing'),
    ('raw_billing', 'subscriptions', 'billing'),
    ('raw_billing', 'subscription_items', 'billing'),
    ('raw_billing', 'invoices', 'billing'),
    ('raw_billing', 'refunds', 'billing'),
    ('raw_billing', 'exchange_rates', 'billing'),
    ('raw_product', 'daily_usage', 'product'),
]) }}
