package demo

// The word lists below are functions rather than package variables so that
// no caller can change them; the catalog, the searches of simulated users and
// the credential stuffer's guesses are all drawn from them.

func productAdjectives() []string {
	return []string{"Classic", "Compact", "Everyday", "Heavy-duty", "Linen", "Matte", "Nordic", "Recycled", "Smart", "Travel", "Vintage", "Wool"}
}

// productNouns and productCategories are parallel by index modulo the
// categories, so that a noun always lands in the same category.
func productNouns() []string {
	return []string{"backpack", "lamp", "mug", "kettle", "jacket", "notebook", "headphones", "blanket", "bottle", "chair", "scarf", "speaker", "teapot", "umbrella", "wallet", "watch"}
}

func productCategories() []string {
	return []string{"bags", "home", "kitchen", "kitchen", "apparel", "stationery", "audio", "home"}
}

func firstNames() []string {
	return []string{"Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam", "Mia", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tara"}
}

func lastNames() []string {
	return []string{"Andersen", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen", "Kowalski", "Lopez", "Moreau", "Nowak", "Okafor", "Patel"}
}

func cities() []string {
	return []string{"Lisbon", "Lyon", "Kraków", "Osaka", "Austin", "Leeds", "Porto", "Gdańsk", "Dublin", "Tampere"}
}
