#!/usr/bin/env bash
# The main job on bundled example data, with the embedded default store: model offers, benchmark
# them against the bundled market data, plan the negotiation, then the scenarios and a study plan.
# Usage: scripts/demo.sh PATH/TO/offerlab   (make demo passes the virtual environment's one)
set -euo pipefail
offerlab=${1:-offerlab}
cd "$(dirname "$0")/.."

echo "== One offer, year by year: Microsoft 62 initial (examples/msft-l62-initial.toml)"
"$offerlab" offer show examples/msft-l62-initial.toml
echo
echo "== The seed's L62 negotiate-up packages, side by side"
"$offerlab" offer compare examples/msft-l62-initial.toml examples/msft-l62-target.toml \
    examples/msft-l62-stretch.toml
echo
echo "== A back-loaded Amazon offer against the Microsoft one"
"$offerlab" offer compare examples/msft-l62-initial.toml examples/amazon-l6-seattle.toml
echo
echo "== The market: Microsoft 62 in Redmond, and Google L5 on Microsoft's ladder"
"$offerlab" market bands --company Microsoft --level 62 --location Redmond
"$offerlab" market map --from Google:L5 --to Microsoft
echo
echo "== The negotiation plan for the L62 offer, with a competing Google offer"
"$offerlab" negotiate examples/msft-l62-initial.toml --competing examples/google-l5-kirkland.toml \
    --profile examples/profiles/alex.toml
echo
echo "== What the Microsoft offer keeps after tax in Redmond, and in San Francisco"
"$offerlab" offer show examples/msft-l62-target.toml --after-tax
"$offerlab" offer show examples/msft-l62-target.toml --residence "San Francisco, CA" --json \
    | grep -E '"(four_year_total|four_year_after_tax)"'
echo
echo "== Stock-price risk: 100,000 price paths, Microsoft 62 against Google L5"
"$offerlab" offer simulate examples/msft-l62-target.toml examples/google-l5-kirkland.toml \
    --paths 100000 --seed 7 --volatility 35
echo
echo "== Ten years from the Microsoft offer, promotions timed by the market data"
"$offerlab" career project examples/msft-l62-target.toml --years 10 --refresher 60000
echo
echo "== Six weeks to the interview loop, 10 hours a week, system design marked weak"
"$offerlab" prep plan --interview-date "$(date -d '+6 weeks' +%F)" --hours-per-week 10 \
    --weak onsite_system_design
