-- One row per account × ISO week (Monday start) with product activity: the sum of daily
-- active users (user-days), key actions and active days. Weeks without activity have no row.
select
    account_id,
    cast({{ dbt.date_trunc('week', 'usage_date') }} as date) as week_start,
    cast(sum(active_users) as bigint) as active_user_days,
    cast(sum(key_actions) as bigint) as key_actions,
    cast(count(*) as bigint) as active_days
from {{ ref('stg_product__daily_usage') }}
group by account_id, cast({{ dbt.date_trunc('week', 'usage_date') }} as date)
