ALTER TABLE "team_cards" ALTER COLUMN "card" SET DATA TYPE json USING "card"::json;
