using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SponsoredInMail.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Audiences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MatchedAudiences",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    RowsRead = table.Column<int>(type: "INTEGER", nullable: false),
                    RowsRejected = table.Column<int>(type: "INTEGER", nullable: false),
                    MembersMatched = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectionsCsv = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchedAudiences", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MatchedAudiences_AdvertiserAccounts_AdvertiserAccountId",
                        column: x => x.AdvertiserAccountId,
                        principalTable: "AdvertiserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SavedAudiences",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AdvertiserAccountId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TargetingJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedByUserId = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedAudiences", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedAudiences_AdvertiserAccounts_AdvertiserAccountId",
                        column: x => x.AdvertiserAccountId,
                        principalTable: "AdvertiserAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MatchedAudienceMembers",
                columns: table => new
                {
                    MatchedAudienceId = table.Column<int>(type: "INTEGER", nullable: false),
                    MemberId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MatchedAudienceMembers", x => new { x.MatchedAudienceId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_MatchedAudienceMembers_MatchedAudiences_MatchedAudienceId",
                        column: x => x.MatchedAudienceId,
                        principalTable: "MatchedAudiences",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MatchedAudienceMembers_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MatchedAudienceMembers_MemberId",
                table: "MatchedAudienceMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_MatchedAudiences_AdvertiserAccountId",
                table: "MatchedAudiences",
                column: "AdvertiserAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_SavedAudiences_AdvertiserAccountId_Name",
                table: "SavedAudiences",
                columns: new[] { "AdvertiserAccountId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MatchedAudienceMembers");

            migrationBuilder.DropTable(
                name: "SavedAudiences");

            migrationBuilder.DropTable(
                name: "MatchedAudiences");
        }
    }
}
