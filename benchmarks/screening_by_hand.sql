-- us-federal/commutation as of 2024-02-29, written by hand for DuckDB: the yardstick of
-- benchmarks/screening.py. It reads the view `roster` (the benchmark's synthetic Parquet
-- roster: booleans and dates native, conviction_court text) and gives the seven columns of a
-- result file with the same content as `clemency screen` (tests/integration/screening/
-- test_by_hand.py holds the two together). Statuses: 1 pass, 0 fail, 2 unknown.
WITH typed AS (
    SELECT
        coalesce(CAST(person_id AS VARCHAR), '') AS person_id,
        NULLIF(trim(conviction_court, ' '), '') AS court_text,
        is_in_custody, on_supervision, has_pending_court_challenge,
        other_relief_available, exceptional_circumstances,
        is_capital_case, execution_date_set, execution_notice_date
    FROM roster
),
court_checked AS (
    SELECT
        *,
        court_text IN ('federal_district', 'dc_superior', 'court_martial', 'state',
                       'territorial') AS court_ok
    FROM typed
),
checked AS (
    SELECT
        *,
        CASE WHEN court_ok THEN court_text END AS court,
        concat_ws('; ',
            CASE WHEN trim(person_id, ' ') = '' THEN 'person_id is empty' END,
            CASE WHEN NOT court_ok THEN 'conviction_court="' || left(court_text, 40)
                || '" is not one of federal_district, dc_superior, court_martial, state, territorial'
            END
        ) AS invalid_reason
    FROM court_checked
),
judged AS (
    SELECT
        person_id, invalid_reason, court, is_in_custody, on_supervision,
        has_pending_court_challenge, other_relief_available, exceptional_circumstances,
        is_capital_case, execution_date_set, execution_notice_date,
        -- federal_conviction
        CASE WHEN court IS NULL THEN 2
             WHEN court IN ('federal_district', 'dc_superior', 'court_martial') THEN 1
             ELSE 0 END AS federal,
        -- not_military
        CASE WHEN court IS NULL THEN 2 WHEN court = 'court_martial' THEN 0 ELSE 1 END AS civil,
        -- serving_sentence
        CASE WHEN is_in_custody OR on_supervision THEN 1
             WHEN NOT (is_in_custody OR on_supervision) THEN 0 ELSE 2 END AS serving,
        -- no_pending_challenge
        CASE WHEN has_pending_court_challenge IS NULL THEN 2
             WHEN has_pending_court_challenge THEN 0 ELSE 1 END AS unchallenged,
        -- no_other_relief
        CASE WHEN NOT other_relief_available OR exceptional_circumstances THEN 1
             WHEN other_relief_available AND NOT exceptional_circumstances THEN 0
             ELSE 2 END AS no_relief,
        -- capital_timetable: filed within 30 days of the notice, i.e. notice on or after
        -- 2024-01-30
        CASE WHEN NOT is_capital_case OR NOT execution_date_set
                  OR execution_notice_date >= DATE '2024-01-30' THEN 1
             WHEN is_capital_case AND execution_date_set
                  AND execution_notice_date < DATE '2024-01-30' THEN 0
             ELSE 2 END AS timely
    FROM checked
)
SELECT
    person_id,
    CASE WHEN invalid_reason <> '' THEN 'invalid'
         WHEN 0 IN (federal, civil, serving, unchallenged, no_relief, timely) THEN 'ineligible'
         WHEN 2 IN (federal, civil, serving, unchallenged, no_relief, timely) THEN 'needs_review'
         ELSE 'eligible' END AS outcome,
    CAST(NULL AS DATE) AS eligible_on,
    CASE WHEN invalid_reason <> '' THEN '' ELSE concat_ws(';',
        CASE WHEN federal = 0 THEN 'us-federal.commutation.federal_conviction' END,
        CASE WHEN civil = 0 THEN 'us-federal.commutation.not_military' END,
        CASE WHEN serving = 0 THEN 'us-federal.commutation.serving_sentence' END,
        CASE WHEN unchallenged = 0 THEN 'us-federal.commutation.no_pending_challenge' END,
        CASE WHEN no_relief = 0 THEN 'us-federal.commutation.no_other_relief' END,
        CASE WHEN timely = 0 THEN 'us-federal.commutation.capital_timetable' END
    ) END AS failed_rules,
    CASE WHEN invalid_reason <> '' THEN '' ELSE concat_ws(';',
        CASE WHEN federal = 2 THEN 'us-federal.commutation.federal_conviction' END,
        CASE WHEN civil = 2 THEN 'us-federal.commutation.not_military' END,
        CASE WHEN serving = 2 THEN 'us-federal.commutation.serving_sentence' END,
        CASE WHEN unchallenged = 2 THEN 'us-federal.commutation.no_pending_challenge' END,
        CASE WHEN no_relief = 2 THEN 'us-federal.commutation.no_other_relief' END,
        CASE WHEN timely = 2 THEN 'us-federal.commutation.capital_timetable' END
    ) END AS unknown_rules,
    -- a fact is missing when it is empty and a rule reading it is unknown (name order)
    CASE WHEN invalid_reason <> '' THEN '' ELSE concat_ws(';',
        CASE WHEN court IS NULL THEN 'conviction_court' END,
        CASE WHEN exceptional_circumstances IS NULL AND no_relief = 2
             THEN 'exceptional_circumstances' END,
        CASE WHEN execution_date_set IS NULL AND timely = 2 THEN 'execution_date_set' END,
        CASE WHEN execution_notice_date IS NULL AND timely = 2 THEN 'execution_notice_date' END,
        CASE WHEN has_pending_court_challenge IS NULL THEN 'has_pending_court_challenge' END,
        CASE WHEN is_capital_case IS NULL AND timely = 2 THEN 'is_capital_case' END,
        CASE WHEN is_in_custody IS NULL AND serving = 2 THEN 'is_in_custody' END,
        CASE WHEN on_supervision IS NULL AND serving = 2 THEN 'on_supervision' END,
        CASE WHEN other_relief_available IS NULL AND no_relief = 2
             THEN 'other_relief_available' END
    ) END AS missing_facts,
    invalid_reason
FROM judged
