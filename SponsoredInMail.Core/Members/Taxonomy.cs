namespace SponsoredInMail.Core.Members;

/// <summary>
/// The fixed vocabularies of the member network: locations, industries, job functions with their titles,
/// and skills. The order of every list is part of the data: skill ids are indexes into <see cref="Skills"/>,
/// so entries are only ever appended.
/// </summary>
public static class Taxonomy
{
    public sealed record Country(string Code, string Name, string Language, int Weight, string[] Regions);

    public sealed record JobFunction(string Name, string Department, string BaseTitle, string ChiefTitle, string[] Skills);

    public static readonly IReadOnlyList<Country> Countries =
    [
        new("US", "United States", "en", 34, ["California", "New York", "Texas", "Illinois", "Washington", "Massachusetts", "Georgia", "Florida", "Colorado", "North Carolina"]),
        new("GB", "United Kingdom", "en", 9, ["London", "South East", "North West", "Scotland", "West Midlands", "Yorkshire"]),
        new("IN", "India", "en", 10, ["Karnataka", "Maharashtra", "Delhi", "Tamil Nadu", "Telangana", "Haryana"]),
        new("DE", "Germany", "de", 6, ["Berlin", "Bavaria", "Hamburg", "Hesse", "North Rhine-Westphalia", "Baden-Württemberg"]),
        new("FR", "France", "fr", 5, ["Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Provence-Alpes-Côte d'Azur", "Hauts-de-France"]),
        new("CA", "Canada", "en", 5, ["Ontario", "Quebec", "British Columbia", "Alberta"]),
        new("AU", "Australia", "en", 4, ["New South Wales", "Victoria", "Queensland", "Western Australia"]),
        new("NL", "Netherlands", "nl", 3, ["North Holland", "South Holland", "Utrecht", "North Brabant"]),
        new("BR", "Brazil", "pt", 6, ["São Paulo", "Rio de Janeiro", "Minas Gerais", "Paraná"]),
        new("ES", "Spain", "es", 3, ["Madrid", "Catalonia", "Andalusia", "Valencia"]),
        new("SG", "Singapore", "en", 2, ["Singapore"]),
        new("SE", "Sweden", "sv", 2, ["Stockholm", "Västra Götaland", "Skåne"]),
        new("MX", "Mexico", "es", 3, ["Mexico City", "Jalisco", "Nuevo León"]),
        new("AE", "United Arab Emirates", "en", 2, ["Dubai", "Abu Dhabi"]),
        new("JP", "Japan", "ja", 3, ["Tokyo", "Osaka", "Kanagawa"]),
        new("IE", "Ireland", "en", 1, ["Dublin", "Cork"]),
        new("ZA", "South Africa", "en", 2, ["Gauteng", "Western Cape"]),
    ];

    public static readonly IReadOnlyList<string> Industries =
    [
        "Software Development", "IT Services and IT Consulting", "Financial Services", "Banking", "Insurance",
        "Hospitals and Health Care", "Pharmaceutical Manufacturing", "Higher Education", "Retail",
        "Manufacturing", "Telecommunications", "Marketing Services", "Advertising Services",
        "Management Consulting", "Accounting", "Law Practice", "Real Estate", "Construction",
        "Government Administration", "Non-profit Organizations", "Oil and Gas", "Renewable Energy",
        "Automotive", "Aviation and Aerospace", "Transportation and Logistics", "Food and Beverage Services",
        "Hospitality", "Media Production", "Computer and Network Security", "Biotechnology Research",
        "Staffing and Recruiting", "E-Learning Providers", "Venture Capital and Private Equity",
    ];

    public static readonly IReadOnlyList<string> GeneralSkills =
    [
        "Leadership", "Communication", "Teamwork", "Problem Solving", "Public Speaking", "Negotiation",
        "Time Management", "Microsoft Excel", "Microsoft PowerPoint", "Strategic Planning", "Coaching",
        "Mentoring", "Cross-functional Team Leadership", "Presentation Skills", "Critical Thinking",
        "Stakeholder Management", "Change Management", "Decision Making", "Customer Service",
        "English", "Spanish", "German", "French", "Mandarin", "Writing", "Research Skills",
        "Data Analysis", "Budgeting", "Team Building", "Conflict Resolution",
    ];

    public static readonly IReadOnlyList<JobFunction> Functions =
    [
        new("Accounting", "Accounting", "Accountant", "Chief Accounting Officer",
            ["Financial Reporting", "Accounts Payable", "Accounts Receivable", "GAAP", "IFRS", "Auditing", "Tax Preparation", "Reconciliation", "General Ledger", "QuickBooks", "SAP FI", "Cost Accounting", "Payroll"]),
        new("Administrative", "Administration", "Administrative Assistant", "Chief Administrative Officer",
            ["Office Administration", "Calendar Management", "Travel Arrangements", "Data Entry", "Scheduling", "Records Management", "Event Planning", "Executive Support", "Microsoft Outlook", "Front Office", "Correspondence", "Minute Taking"]),
        new("Arts and Design", "Design", "Designer", "Chief Design Officer",
            ["Graphic Design", "Adobe Photoshop", "Adobe Illustrator", "Figma", "Typography", "Branding", "User Experience Design", "User Interface Design", "Illustration", "Motion Graphics", "Design Systems", "Prototyping", "Art Direction"]),
        new("Business Development", "Business Development", "Business Development Representative", "Chief Business Officer",
            ["Lead Generation", "Partnerships", "Market Research", "Cold Calling", "Business Strategy", "Pipeline Management", "Deal Structuring", "Go-to-Market Strategy", "Competitive Analysis", "Channel Partnerships", "Proposal Writing", "Relationship Building"]),
        new("Community and Social Services", "Community Services", "Case Worker", "Chief Program Officer",
            ["Case Management", "Community Outreach", "Social Work", "Counseling", "Crisis Intervention", "Volunteer Management", "Grant Writing", "Program Evaluation", "Advocacy", "Fundraising", "Youth Development", "Public Health"]),
        new("Consulting", "Consulting", "Consultant", "Chief Strategy Officer",
            ["Management Consulting", "Business Process Improvement", "Process Mapping", "Due Diligence", "Operating Models", "Benchmarking", "Workshop Facilitation", "Business Case Development", "Lean Six Sigma", "Organizational Design", "Digital Transformation", "Client Relations"]),
        new("Education", "Education", "Teacher", "Chief Academic Officer",
            ["Curriculum Development", "Lesson Planning", "Classroom Management", "Instructional Design", "E-Learning", "Educational Technology", "Tutoring", "Student Assessment", "Higher Education", "Academic Advising", "Special Education", "Learning Management Systems"]),
        new("Engineering", "Engineering", "Software Engineer", "Chief Technology Officer",
            ["C#", ".NET", "Java", "Python", "JavaScript", "TypeScript", "Go", "Rust", "SQL", "Kubernetes", "Docker", "Microservices", "Distributed Systems", "Software Architecture", "Git", "Continuous Integration", "React", "Blazor", "Machine Learning", "Embedded Systems"]),
        new("Entrepreneurship", "Ventures", "Founder Associate", "Chief Executive Officer",
            ["Entrepreneurship", "Startups", "Fundraising Strategy", "Pitch Decks", "Business Model Innovation", "Product-Market Fit", "Bootstrapping", "Angel Investing", "Board Relations", "Growth Strategy", "Hiring", "Company Culture"]),
        new("Finance", "Finance", "Financial Analyst", "Chief Financial Officer",
            ["Financial Modeling", "Financial Analysis", "Forecasting", "Valuation", "Corporate Finance", "FP&A", "Investor Relations", "Risk Management", "Treasury", "Mergers and Acquisitions", "Capital Markets", "Equity Research"]),
        new("Healthcare Services", "Clinical Services", "Registered Nurse", "Chief Medical Officer",
            ["Patient Care", "Clinical Research", "Electronic Medical Records", "HIPAA", "Nursing", "Medical Devices", "Healthcare Management", "Pharmacology", "Telemedicine", "Patient Safety", "Clinical Trials", "Health Informatics"]),
        new("Human Resources", "Human Resources", "HR Generalist", "Chief Human Resources Officer",
            ["Talent Acquisition", "Employee Relations", "Performance Management", "Compensation and Benefits", "HRIS", "Onboarding", "Workforce Planning", "Employer Branding", "Diversity and Inclusion", "Learning and Development", "Labor Law", "Succession Planning"]),
        new("Information Technology", "IT", "Systems Administrator", "Chief Information Officer",
            ["Linux", "Windows Server", "Active Directory", "Networking", "Cloud Computing", "Microsoft Azure", "Amazon Web Services", "IT Service Management", "ITIL", "Help Desk Support", "Cybersecurity", "Identity and Access Management", "Virtualization", "Backup and Recovery"]),
        new("Legal", "Legal", "Associate Counsel", "Chief Legal Officer",
            ["Contract Negotiation", "Corporate Law", "Litigation", "Intellectual Property", "Compliance", "Legal Research", "Data Privacy", "GDPR", "Employment Law", "Regulatory Affairs", "Legal Writing", "Commercial Contracts"]),
        new("Marketing", "Marketing", "Marketing Specialist", "Chief Marketing Officer",
            ["Digital Marketing", "Content Marketing", "Search Engine Optimization", "Marketing Automation", "Demand Generation", "Account-Based Marketing", "Email Marketing", "Social Media Marketing", "Brand Management", "Product Marketing", "Marketing Analytics", "Google Analytics", "Copywriting", "Event Marketing"]),
        new("Media and Communication", "Communications", "Communications Specialist", "Chief Communications Officer",
            ["Public Relations", "Corporate Communications", "Media Relations", "Internal Communications", "Crisis Communications", "Journalism", "Editing", "Video Production", "Podcasting", "Speechwriting", "Storytelling", "Social Media Strategy"]),
        new("Military and Protective Services", "Security", "Security Officer", "Chief Security Officer",
            ["Physical Security", "Emergency Management", "Law Enforcement", "Military Operations", "Security Clearance", "Threat Assessment", "Intelligence Analysis", "Loss Prevention", "Surveillance", "First Aid", "Logistics Planning", "Homeland Security"]),
        new("Operations", "Operations", "Operations Analyst", "Chief Operating Officer",
            ["Operations Management", "Supply Chain Management", "Process Improvement", "Inventory Management", "Vendor Management", "Logistics", "Lean Manufacturing", "Quality Management", "ERP Systems", "Capacity Planning", "KPI Reporting", "Facilities Management"]),
        new("Product Management", "Product", "Product Manager", "Chief Product Officer",
            ["Product Strategy", "Product Roadmapping", "Agile Methodologies", "Scrum", "User Research", "A/B Testing", "Requirements Gathering", "Product Analytics", "Jira", "Product Lifecycle Management", "Customer Discovery", "Pricing Strategy"]),
        new("Program and Project Management", "Program Management", "Project Manager", "Chief Transformation Officer",
            ["Project Management", "PMP", "PRINCE2", "Program Management", "Risk Assessment", "Resource Planning", "Microsoft Project", "Kanban", "Project Planning", "Portfolio Management", "Earned Value Management", "Status Reporting"]),
        new("Purchasing", "Procurement", "Buyer", "Chief Procurement Officer",
            ["Procurement", "Strategic Sourcing", "Supplier Negotiation", "Purchase Orders", "Category Management", "Spend Analysis", "Contract Management", "Supplier Quality", "RFP Management", "Cost Reduction", "Import/Export", "Tendering"]),
        new("Quality Assurance", "Quality", "QA Engineer", "Chief Quality Officer",
            ["Software Testing", "Test Automation", "Selenium", "Playwright", "Manual Testing", "Quality Assurance", "ISO 9001", "Root Cause Analysis", "Regression Testing", "Performance Testing", "Test Planning", "Defect Tracking"]),
        new("Real Estate", "Real Estate", "Real Estate Agent", "Chief Real Estate Officer",
            ["Real Estate Transactions", "Property Management", "Commercial Real Estate", "Leasing", "Real Estate Development", "Appraisal", "Market Analysis", "Mortgage Lending", "Tenant Relations", "Zoning", "Investment Properties", "Residential Sales"]),
        new("Research", "Research", "Research Scientist", "Chief Scientific Officer",
            ["Scientific Research", "Statistics", "Experimental Design", "R", "Data Science", "Laboratory Skills", "Peer Review", "Qualitative Research", "Quantitative Research", "Survey Design", "Bioinformatics", "Scientific Writing"]),
        new("Sales", "Sales", "Account Executive", "Chief Revenue Officer",
            ["B2B Sales", "Solution Selling", "Salesforce", "Sales Management", "Account Management", "Key Account Management", "Enterprise Software Sales", "Sales Operations", "Forecast Accuracy", "Consultative Selling", "Territory Management", "Social Selling", "Sales Navigator", "CRM"]),
        new("Customer Success and Support", "Customer Success", "Customer Success Manager", "Chief Customer Officer",
            ["Customer Success", "Customer Retention", "Technical Support", "Customer Onboarding", "Zendesk", "Net Promoter Score", "Churn Reduction", "Customer Experience", "Service Level Agreements", "Escalation Management", "Knowledge Base", "Upselling"]),
    ];

    public static readonly IReadOnlyList<string> Skills = BuildSkills();

    private static readonly Dictionary<string, int> SkillIdsByName =
        Skills.Select((name, id) => (name, id)).ToDictionary(x => x.name, x => x.id, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, Country> CountriesByCode =
        Countries.ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);

    public static string CountryName(string code) => CountriesByCode.TryGetValue(code, out var c) ? c.Name : code;

    public static Country? FindCountry(string code) => CountriesByCode.GetValueOrDefault(code);

    public static string SkillName(int id) => id >= 0 && id < Skills.Count ? Skills[id] : $"Skill #{id}";

    public static int? SkillId(string name) => SkillIdsByName.TryGetValue(name, out var id) ? id : null;

    public static JobFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    /// <summary>The title a member of this function and seniority holds; titles always agree with both.</summary>
    public static string TitleFor(JobFunction function, Seniority seniority, bool alternate) => seniority switch
    {
        Seniority.Unpaid => $"{function.Department} Volunteer",
        Seniority.Training => $"{function.Department} Intern",
        Seniority.Entry => alternate ? $"Junior {function.BaseTitle}" : function.BaseTitle,
        Seniority.Senior => alternate ? $"Lead {function.BaseTitle}" : $"Senior {function.BaseTitle}",
        Seniority.Manager => $"{function.Department} Manager",
        Seniority.Director => $"Director of {function.Department}",
        Seniority.VP => $"VP of {function.Department}",
        Seniority.CXO => function.ChiefTitle,
        Seniority.Partner => $"{function.Department} Partner",
        Seniority.Owner => alternate ? "Founder" : "Owner",
        _ => function.BaseTitle,
    };

    private static List<string> BuildSkills()
    {
        var skills = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in GeneralSkills.Concat(Functions.SelectMany(f => f.Skills)))
        {
            if (seen.Add(name))
            {
                skills.Add(name);
            }
        }
        return skills;
    }
}
