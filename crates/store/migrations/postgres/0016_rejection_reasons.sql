-- Moderators can reject from the first day: sensible reasons in both languages, unless an
-- admin has already written their own. Admins retire or add to them on /admin.
INSERT INTO rejection_reasons (label_fa, label_en)
SELECT label_fa, label_en FROM (
    SELECT 1 AS ordinal, 'بیش از یک خواسته دارد؛ هر کارزار یک خواسته' AS label_fa,
           'It makes more than one demand; a campaign makes one' AS label_en
    UNION ALL SELECT 2, 'مخاطب نامه روشن نیست یا کسی نیست که بتواند کاری بکند',
           'The addressee is unclear, or not someone who can act on it'
    UNION ALL SELECT 3, 'توهین، تهمت یا نفرت‌پراکنی دارد',
           'It insults, defames or stirs up hatred'
    UNION ALL SELECT 4, 'اطلاعات شخصی دیگران را فاش می‌کند',
           'It discloses other people''s personal information'
    UNION ALL SELECT 5, 'تکراری است؛ کارزاری برای همین خواسته باز است',
           'It repeats an open campaign for the same demand'
    UNION ALL SELECT 6, 'ادعاهای آن به منبع یا توضیح بیشتری نیاز دارد',
           'Its claims need sources or more explanation'
    UNION ALL SELECT 7, 'تبلیغ تجاری یا حزبی است',
           'It is commercial or party advertising'
) AS seeded
WHERE NOT EXISTS (SELECT 1 FROM rejection_reasons)
ORDER BY ordinal;
