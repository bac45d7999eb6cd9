"""Support & success warehouse: raw helpdesk and billing data to support and success metrics."""
