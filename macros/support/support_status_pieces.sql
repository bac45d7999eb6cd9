{#-
  The stretches of a ticket's status spans that fall inside each interval of `intervals`
  (a relation with ticket_id, `number_column`, schedule_id, started_at, counted_until),
  clipped to it, for the statuses `status_condition` selects (SQL on `sp.status`). Used to
  take pending time out of an update interval and to find where a pausable clock crosses its
  target.
-#}
{% macro support_status_pieces(intervals, number_column, spans, status_condition) -%}
    select
        i.ticket_id,
        i.{{ number_column }},
        i.schedule_id,
        case when sp.started_at > i.started_at then sp.started_at else i.started_at end as piece_start,
        case when sp.ended_at < i.counted_until then sp.ended_at else i.counted_until end as piece_end
    from {{ intervals }} as i
    inner join {{ spans }} as sp
        on sp.ticket_id = i.ticket_id
        and {{ status_condition }}
        and sp.started_at < i.counted_until
        and sp.ended_at > i.started_at
{%- endmacro %}
