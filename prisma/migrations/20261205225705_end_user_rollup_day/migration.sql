-- CreateTable
CREATE TABLE "EndUserRollupDay" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "keyId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "modelGroup" TEXT NOT NULL,
    "endUser" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "EndUserRollupDay_pkey" PRIMARY KEY ("bucket","keyId","modelGroup","endUser")
);

-- Days already counted by the hour.
INSERT INTO "EndUserRollupDay" ("bucket", "keyId", "modelGroup", "endUser", "projectId", "requests", "errors", "totalTokens", "costUsd")
SELECT date_trunc('day', "bucket", 'UTC'), "keyId", "modelGroup", "endUser", max("projectId"::text)::uuid,
  sum("requests"), sum("errors"), sum("totalTokens"), sum("costUsd")
FROM "EndUserRollupHour"
GROUP BY 1, 2, 3, 4;
